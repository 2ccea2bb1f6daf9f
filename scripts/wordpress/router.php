<?php
/**
 * Router for PHP's built-in server: static files as they are, PHP files run, and every
 * other path handed to WordPress (so pretty permalinks and paths with a dot work).
 *
 * @package K8or\Orbit
 */

$orbit_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( str_contains( $orbit_path, '..' ) || str_contains( $orbit_path, "\0" ) ) {
	http_response_code( 400 );
	return true;
}
$orbit_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$orbit_file = $orbit_root . $orbit_path;

if ( is_dir( $orbit_file ) && is_file( rtrim( $orbit_file, '/' ) . '/index.php' ) ) {
	if ( ! str_ends_with( $orbit_path, '/' ) ) {
		header( 'Location: ' . $orbit_path . '/' . ( empty( $_SERVER['QUERY_STRING'] ) ? '' : '?' . $_SERVER['QUERY_STRING'] ), true, 301 );
		return true;
	}
	$orbit_path .= 'index.php';
	$orbit_file  = $orbit_root . $orbit_path;
}

if ( is_file( $orbit_file ) ) {
	if ( ! str_ends_with( $orbit_file, '.php' ) ) {
		return false;
	}
	$_SERVER['SCRIPT_NAME']     = $orbit_path;
	$_SERVER['SCRIPT_FILENAME'] = $orbit_file;
	$_SERVER['PHP_SELF']        = $orbit_path;
	chdir( dirname( $orbit_file ) );
	require $orbit_file;
	return true;
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $orbit_root . '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
chdir( $orbit_root );
require $orbit_root . '/index.php';
return true;
