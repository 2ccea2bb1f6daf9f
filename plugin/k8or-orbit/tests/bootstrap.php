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

// WordPress reads the host of the request; a CLI run has none.
$orbit_wp_url           = getenv( 'ORBIT_WP_URL' );
$_SERVER['HTTP_HOST']   = $orbit_wp_url ? (string) parse_url( $orbit_wp_url, PHP_URL_HOST ) . ( parse_url( $orbit_wp_url, PHP_URL_PORT ) ? ':' . parse_url( $orbit_wp_url, PHP_URL_PORT ) : '' ) : '127.0.0.1';
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
