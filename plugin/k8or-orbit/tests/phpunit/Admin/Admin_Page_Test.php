<?php
/**
 * The wp-admin Orbit screen.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Admin;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Admin\Admin_Page;
use K8or\Orbit\Admin\Settings_Page;
use K8or\Orbit\Bridge\Client;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_Error;

/**
 * Menu visibility, the bridge status line and the mount point of the console.
 */
final class Admin_Page_Test extends Orbit_Test_Case {

	protected function tearDown(): void {
		remove_all_filters( 'pre_http_request' );
		parent::tearDown();
	}

	/**
	 * The menu slugs the current user gets.
	 *
	 * @return list<string>
	 */
	private function menu_slugs(): array {
		global $menu, $submenu, $_wp_submenu_nopriv, $_registered_pages;
		$menu               = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride
		$submenu            = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride
		$_wp_submenu_nopriv = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride
		$_registered_pages  = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride
		( new Admin_Page( K8OR_ORBIT_FILE ) )->add_menu();
		( new Settings_Page() )->add_menu();
		// wp-admin/includes/menu.php drops what the user may not open; the same test here.
		$slugs = array_column( array_filter( $menu, fn( $item ) => current_user_can( $item[1] ) ), 2 );
		foreach ( $submenu[ Admin_Page::SLUG ] ?? array() as $item ) {
			if ( current_user_can( $item[1] ) ) {
				$slugs[] = $item[2];
			}
		}
		return array_values( array_unique( $slugs ) );
	}

	public function test_menu_is_for_operators_and_administrators_settings_for_administrators(): void {
		$this->act_as( 'editor' );
		$this->assertSame( array(), $this->menu_slugs() );
		$this->act_as( Roles::OPERATOR );
		$this->assertSame( array( Admin_Page::SLUG ), $this->menu_slugs() );
		$this->act_as( 'administrator' );
		$this->assertEqualsCanonicalizing( array( Admin_Page::SLUG, Settings_Page::SLUG ), $this->menu_slugs() );
	}

	private function render(): string {
		ob_start();
		( new Admin_Page( K8OR_ORBIT_FILE ) )->render();
		return (string) ob_get_clean();
	}

	public function test_unreachable_bridge_is_shown_with_what_to_do(): void {
		$this->act_as( Roles::OPERATOR );
		add_filter( 'pre_http_request', fn() => new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' ) );
		$html = $this->render();
		$this->assertMatchesRegularExpression( '#<div id="k8or-orbit-bridge-status" data-status="error"[^>]*><p>Bridge not connected: Bridge unreachable at [^<]+ is it running\? Check K8OR_ORBIT_BRIDGE_URL#', $html );
		$this->assertStringContainsString( '<div id="k8or-orbit-admin-app">', $html );
	}

	public function test_the_status_line_reports_a_real_signed_ping(): void {
		$this->act_as( 'administrator' );
		$ping = Client::from_config()->ping();
		$html = $this->render();
		if ( $ping['connected'] ) {
			$this->assertMatchesRegularExpression( '#data-status="connected"[^>]*><p>Bridge connected — version [^,]+, \d+ ms#u', $html );
		} else {
			$this->assertStringContainsString( 'data-status="error"', $html );
			$this->assertStringContainsString( esc_html( $ping['message'] ), $html );
		}
	}

	public function test_the_console_is_enqueued_with_its_boot_data_when_built(): void {
		$this->act_as( Roles::OPERATOR );
		( new Admin_Page( K8OR_ORBIT_FILE ) )->enqueue( 'toplevel_page_' . Admin_Page::SLUG );
		$built = file_exists( dirname( K8OR_ORBIT_FILE ) . '/build/admin-app/index.asset.php' );
		$this->assertSame( $built, wp_script_is( 'k8or-orbit-admin-app', 'enqueued' ) );
		if ( $built ) {
			$inline = implode( '', wp_scripts()->get_data( 'k8or-orbit-admin-app', 'before' ) );
			$this->assertStringContainsString( '"orbit_upload":true', $inline );
			$this->assertStringContainsString( '"orbit_manage_settings":false', $inline );
			wp_dequeue_script( 'k8or-orbit-admin-app' );
		}
	}
}
