<?php
/**
 * Tables, version and the daily clean-up.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Install;

use K8or\Orbit\Bridge\Applied_Event_Store;
use K8or\Orbit\Bridge\Request_Id_Store;
use K8or\Orbit\Install\Installer;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * What activation leaves in place, and what the clean-up forgets.
 */
final class Installer_Test extends Orbit_Test_Case {

	public function test_tables_version_role_and_schedule_are_in_place(): void {
		global $wpdb;
		Installer::maybe_upgrade();
		foreach ( array( Request_Id_Store::table(), Applied_Event_Store::table() ) as $table ) {
			$this->assertSame( $table, $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $table ) ) );
		}
		$this->assertSame( K8OR_ORBIT_VERSION, get_option( Installer::VERSION_OPTION ) );
		$this->assertNotNull( get_role( 'orbit_operator' ) );
		$this->assertNotFalse( wp_next_scheduled( Installer::PURGE_HOOK ) );
	}

	public function test_an_older_stored_version_runs_the_upgrade(): void {
		update_option( Installer::VERSION_OPTION, '0.0.1' );
		get_role( 'administrator' )->remove_cap( 'orbit_scan' );
		Installer::maybe_upgrade();
		$this->assertSame( K8OR_ORBIT_VERSION, get_option( Installer::VERSION_OPTION ) );
		$this->assertTrue( get_role( 'administrator' )->has_cap( 'orbit_scan' ) );
	}

	public function test_purge_forgets_old_applied_events_but_keeps_recent_ones(): void {
		global $wpdb;
		$old    = $this->job_id();
		$recent = $this->job_id();
		Applied_Event_Store::claim( $old, 1, 'image-stored' );
		Applied_Event_Store::claim( $recent, 1, 'image-stored' );
		$wpdb->update( Applied_Event_Store::table(), array( 'applied_at' => gmdate( 'Y-m-d H:i:s', time() - 40 * DAY_IN_SECONDS ) ), array( 'job_id' => $old ) );

		Installer::purge();

		$this->assertTrue( Applied_Event_Store::claim( $old, 1, 'image-stored' ), 'forgotten after 30 days' );
		$this->assertFalse( Applied_Event_Store::claim( $recent, 1, 'image-stored' ), 'still remembered' );
	}
}
