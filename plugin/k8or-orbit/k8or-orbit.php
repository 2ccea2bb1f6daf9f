<?php
/**
 * Plugin Name:       k8or Orbit
 * Description:       Container-image catalog and deployment portal: apps, scans, environments and the signed link to the Orbit bridge.
 * Version:           0.2.0
 * Requires at least: 6.8
 * Requires PHP:      8.1
 * Author:            k8or
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       k8or-orbit
 * Domain Path:       /languages
 *
 * @package K8or\Orbit
 */

defined( 'ABSPATH' ) || exit;

define( 'K8OR_ORBIT_VERSION', '0.2.0' );
define( 'K8OR_ORBIT_FILE', __FILE__ );
define( 'K8OR_ORBIT_DIR', plugin_dir_path( __FILE__ ) );
define( 'K8OR_ORBIT_MIN_PHP', '8.1' );
define( 'K8OR_ORBIT_MIN_WP', '6.8' );

if ( version_compare( PHP_VERSION, K8OR_ORBIT_MIN_PHP, '<' ) || version_compare( get_bloginfo( 'version' ), K8OR_ORBIT_MIN_WP, '<' ) ) {
	add_action(
		'admin_notices',
		static function () {
			printf(
				'<div class="notice notice-error"><p>%s</p></div>',
				esc_html(
					sprintf(
						/* translators: 1: required PHP version, 2: required WordPress version, 3: running PHP version, 4: running WordPress version. */
						__( 'k8or Orbit needs PHP %1$s and WordPress %2$s or newer; this site runs PHP %3$s and WordPress %4$s. Update them, then activate Orbit again.', 'k8or-orbit' ),
						K8OR_ORBIT_MIN_PHP,
						K8OR_ORBIT_MIN_WP,
						PHP_VERSION,
						get_bloginfo( 'version' )
					)
				)
			);
		}
	);
	return;
}

require_once K8OR_ORBIT_DIR . 'includes/Autoloader.php';
K8or\Orbit\Autoloader::register();

( new K8or\Orbit\Plugin( __FILE__ ) )->add_hooks();
