<?php
/**
 * Removes Orbit's capabilities, role, tables and settings; content only when the administrator opted in.
 *
 * @package K8or\Orbit
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/Autoloader.php';
K8or\Orbit\Autoloader::register();

K8or\Orbit\Install\Installer::uninstall();
