<?php
/**
 * Installs the site on the first run (no wp-cli needed) and makes sure the plugin is active,
 * the theme set and the three logins exist. Prints JSON: the users, with an application
 * password for each user that did not have one yet.
 *
 * Usage: php install.php WORDPRESS_DIR < settings.json
 *
 * @package K8or\Orbit
 */

// phpcs:disable WordPress.WP.GlobalVariablesOverride

$settings = json_decode( (string) file_get_contents( 'php://stdin' ), true );
if ( ! is_array( $settings ) || empty( $argv[1] ) ) {
	fwrite( STDERR, "Usage: php install.php WORDPRESS_DIR < settings.json\n" );
	exit( 2 );
}

define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST']   = (string) parse_url( $settings['url'], PHP_URL_HOST ) . ':' . (string) parse_url( $settings['url'], PHP_URL_PORT );
$_SERVER['REQUEST_URI'] = '/';
require rtrim( $argv[1], '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/theme.php';

if ( ! is_blog_installed() ) {
	$admin = $settings['users'][0];
	$installed = wp_install( $settings['title'], $admin['login'], $admin['email'], true, '', wp_slash( $admin['password'] ) );
	if ( is_wp_error( $installed ) ) {
		fwrite( STDERR, $installed->get_error_message() . "\n" );
		exit( 1 );
	}
}
update_option( 'permalink_structure', '/%postname%/' );
update_option( 'blogdescription', 'Container images, scanned and ready to deploy' );

$activation = activate_plugin( 'k8or-orbit/k8or-orbit.php' );
if ( is_wp_error( $activation ) ) {
	fwrite( STDERR, 'Could not activate k8or Orbit: ' . $activation->get_error_message() . "\n" );
	exit( 1 );
}
if ( 'twentytwentyfive' !== get_stylesheet() ) {
	switch_theme( 'twentytwentyfive' );
}
// Plugins do not load while installing, so rules built now would lack the plugin's post type:
// dropping them makes the next ordinary request rebuild them complete.
delete_option( 'rewrite_rules' );

$result = array();
foreach ( $settings['users'] as $wanted ) {
	if ( ! get_role( $wanted['role'] ) ) {
		fwrite( STDERR, "The role {$wanted['role']} does not exist: is the k8or Orbit plugin complete?\n" );
		exit( 1 );
	}
	$user = get_user_by( 'login', $wanted['login'] );
	if ( ! $user ) {
		$user_id = wp_insert_user(
			array(
				'user_login'   => $wanted['login'],
				'user_pass'    => $wanted['password'],
				'user_email'   => $wanted['email'],
				'display_name' => $wanted['displayName'],
				'role'         => $wanted['role'],
			)
		);
		if ( is_wp_error( $user_id ) ) {
			fwrite( STDERR, $user_id->get_error_message() . "\n" );
			exit( 1 );
		}
		$user = get_user_by( 'id', $user_id );
	}
	$entry = array(
		'id'    => $user->ID,
		'login' => $user->user_login,
		'role'  => $wanted['role'],
	);
	if ( ! WP_Application_Passwords::application_name_exists_for_user( $user->ID, 'orbit-scripts' ) ) {
		$created = WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => 'orbit-scripts' ) );
		if ( is_wp_error( $created ) ) {
			fwrite( STDERR, $created->get_error_message() . "\n" );
			exit( 1 );
		}
		$entry['applicationPassword'] = $created[0];
	}
	$result[] = $entry;
}

echo wp_json_encode( array( 'version' => get_bloginfo( 'version' ), 'users' => $result ) );
