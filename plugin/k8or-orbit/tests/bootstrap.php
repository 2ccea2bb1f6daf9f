<?php
/**
 * Loads the real WordPress named by ORBIT_WP_PATH (the test stack's wordpress.path), with this plugin active.
 *
 * @package K8or\Orbit
 */

$orbit_wp_path = getenv( 'ORBIT_WP_PATH' );
if ( false === $orbit_wp_path || ! is_file( rtrim( $orbit_wp_path, '/' ) . '/wp-load.php' ) ) {
	fwrite( STDERR, "Set ORBIT_WP_PATH to the WordPress directory of the test stack (wordpress.path in stack.json).\n" );
	exit( 1 );
}

// WordPress reads the host of the request; a CLI run has none, so take the site's from the stack.
$orbit_wp_url   = getenv( 'ORBIT_WP_URL' );
$orbit_stack    = getenv( 'ORBIT_STACK_FILE' );
if ( ! $orbit_wp_url && $orbit_stack && is_readable( $orbit_stack ) ) {
	$orbit_wp_url = json_decode( (string) file_get_contents( $orbit_stack ), true )['wordpress']['url'] ?? '';
}
$orbit_wp_host          = $orbit_wp_url ? (string) parse_url( $orbit_wp_url, PHP_URL_HOST ) : '';
$orbit_wp_port          = $orbit_wp_url ? parse_url( $orbit_wp_url, PHP_URL_PORT ) : null;
$_SERVER['HTTP_HOST']   = '' === $orbit_wp_host ? '127.0.0.1' : $orbit_wp_host . ( $orbit_wp_port ? ':' . $orbit_wp_port : '' );
$_SERVER['SERVER_NAME'] = $_SERVER['HTTP_HOST'];
$_SERVER['REQUEST_URI'] = '/';

require rtrim( $orbit_wp_path, '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

if ( ! defined( 'K8OR_ORBIT_VERSION' ) ) {
	fwrite( STDERR, "The k8or-orbit plugin is not active on the WordPress at ORBIT_WP_PATH; activate it first.\n" );
	exit( 1 );
}

require __DIR__ . '/phpunit/Orbit_Test_Case.php';
require __DIR__ . '/phpunit/Bridge_Stand_In.php';
