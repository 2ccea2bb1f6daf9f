<?php
/**
 * The "Orbit" screen in wp-admin: bridge status and the operator console.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Admin;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Client;
use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Rest\Controller;
use K8or\Orbit\Settings\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Adds the top-level menu, shows a server-side signed ping and mounts the built admin app.
 */
final class Admin_Page {

	public const SLUG = 'k8or-orbit';

	private const SCRIPT_HANDLE = 'k8or-orbit-admin-app';

	/**
	 * Creates the page.
	 *
	 * @param string $plugin_file Main plugin file.
	 */
	public function __construct( private string $plugin_file ) {
	}

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'admin_menu', array( $this, 'add_menu' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
	}

	/**
	 * The capability that opens the screen for the current user: readers of jobs or settings managers.
	 */
	public static function capability(): string {
		return current_user_can( Capabilities::READ_JOBS ) ? Capabilities::READ_JOBS : Capabilities::MANAGE_SETTINGS;
	}

	/**
	 * Adds the menu.
	 */
	public function add_menu(): void {
		add_menu_page(
			__( 'Orbit', 'k8or-orbit' ),
			__( 'Orbit', 'k8or-orbit' ),
			self::capability(),
			self::SLUG,
			array( $this, 'render' ),
			'dashicons-admin-site-alt3',
			26
		);
		add_submenu_page( self::SLUG, __( 'Orbit Console', 'k8or-orbit' ), __( 'Console', 'k8or-orbit' ), self::capability(), self::SLUG, array( $this, 'render' ) );
	}

	/**
	 * Enqueues the admin app on this screen when it is built.
	 *
	 * @param string $hook_suffix Current admin screen.
	 */
	public function enqueue( string $hook_suffix ): void {
		if ( 'toplevel_page_' . self::SLUG !== $hook_suffix || ! $this->is_built() ) {
			return;
		}
		$build = plugin_dir_path( $this->plugin_file ) . 'build/admin-app/';
		$asset = require $build . 'index.asset.php';
		$url   = plugin_dir_url( $this->plugin_file ) . 'build/admin-app/';
		wp_enqueue_script( self::SCRIPT_HANDLE, $url . 'index.js', $asset['dependencies'] ?? array(), $asset['version'] ?? K8OR_ORBIT_VERSION, true );
		wp_set_script_translations( self::SCRIPT_HANDLE, 'k8or-orbit', plugin_dir_path( $this->plugin_file ) . 'languages' );
		wp_enqueue_style( 'wp-components' );
		if ( file_exists( $build . 'index.css' ) ) {
			wp_enqueue_style( self::SCRIPT_HANDLE, $url . 'index.css', array( 'wp-components' ), $asset['version'] ?? K8OR_ORBIT_VERSION );
		}
		wp_add_inline_script( self::SCRIPT_HANDLE, 'window.k8orOrbitAdmin = ' . wp_json_encode( $this->boot_data() ) . ';', 'before' );
	}

	/**
	 * What the admin app needs to start: REST root, nonce, the user's capabilities, environments.
	 */
	private function boot_data(): array {
		$environments = Settings::environment_names();
		$capabilities = array();
		foreach ( Capabilities::all( Settings::environments() ) as $capability ) {
			$capabilities[ $capability ] = current_user_can( $capability );
		}
		$user = wp_get_current_user();
		return array(
			'restRoot'     => esc_url_raw( rest_url() ),
			'namespace'    => Controller::NAMESPACE,
			'nonce'        => wp_create_nonce( 'wp_rest' ),
			'user'         => array(
				'id'    => (int) $user->ID,
				'login' => $user->user_login,
			),
			'capabilities' => $capabilities,
			'environments' => $environments,
			'settingsUrl'  => current_user_can( Capabilities::MANAGE_SETTINGS ) ? admin_url( 'admin.php?page=' . Settings_Page::SLUG ) : '',
		);
	}

	/**
	 * Whether build/admin-app exists.
	 */
	private function is_built(): bool {
		$build = plugin_dir_path( $this->plugin_file ) . 'build/admin-app/';
		return file_exists( $build . 'index.js' ) && file_exists( $build . 'index.asset.php' );
	}

	/**
	 * Renders the screen.
	 */
	public function render(): void {
		if ( ! current_user_can( Capabilities::READ_JOBS ) && ! current_user_can( Capabilities::MANAGE_SETTINGS ) ) {
			wp_die( esc_html__( 'You are not allowed to open Orbit: it needs the Orbit Operator role or administrator rights.', 'k8or-orbit' ), 403 );
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'Orbit', 'k8or-orbit' ) . '</h1>';
		$this->render_bridge_status();
		if ( $this->is_built() ) {
			echo '<div id="k8or-orbit-admin-app"></div>';
		} else {
			echo '<div id="k8or-orbit-admin-app"><p>' . esc_html__( 'The Orbit console is not built yet. Run npm run build in the project, then reload this page.', 'k8or-orbit' ) . '</p></div>';
		}
		echo '</div>';
	}

	/**
	 * Shows the result of a signed ping to the bridge.
	 */
	private function render_bridge_status(): void {
		$ping = Client::from_config()->ping();
		if ( $ping['connected'] ) {
			$text = sprintf(
				/* translators: 1: bridge version, 2: round trip in milliseconds, 3: bridge URL. */
				__( 'Bridge connected — version %1$s, %2$d ms, at %3$s', 'k8or-orbit' ),
				'' === $ping['version'] ? '?' : $ping['version'],
				$ping['latencyMs'],
				Config::bridge_url()
			);
		} else {
			/* translators: %s: the reason and what to do. */
			$text = sprintf( __( 'Bridge not connected: %s', 'k8or-orbit' ), $ping['message'] );
		}
		printf(
			'<div id="k8or-orbit-bridge-status" data-status="%1$s" class="notice inline %2$s"><p>%3$s</p></div>',
			esc_attr( $ping['connected'] ? 'connected' : 'error' ),
			esc_attr( $ping['connected'] ? 'notice-success' : 'notice-error' ),
			esc_html( $text )
		);
	}
}
