<?php
/**
 * The once-only request id table.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Bridge;

use K8or\Orbit\Bridge\Request_Id_Store;
use K8or\Orbit\Bridge\Signature;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * Each id is claimed once; expired ids are purged.
 */
final class Request_Id_Store_Test extends Orbit_Test_Case {

	public function test_an_id_is_claimed_once(): void {
		$id  = Signature::uuid4();
		$now = time();
		$this->assertTrue( Request_Id_Store::claim( $id, $now ) );
		$this->assertFalse( Request_Id_Store::claim( $id, $now ) );
		$this->assertFalse( Request_Id_Store::claim( $id, $now + 599 ), 'still remembered while a replay could pass the window' );
	}

	public function test_expired_ids_are_purged(): void {
		global $wpdb;
		$id  = Signature::uuid4();
		$now = time();
		Request_Id_Store::claim( $id, $now - 1000 );
		Request_Id_Store::purge_expired( $now );
		$this->assertSame( '0', $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE request_id = %s', Request_Id_Store::table(), $id ) ) );
	}
}
