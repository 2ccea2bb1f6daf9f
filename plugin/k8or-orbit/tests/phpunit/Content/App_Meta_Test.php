<?php
/**
 * Meta schemas, sanitising and the query index.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Content;

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * What the registered meta accepts, rejects and stores.
 */
final class App_Meta_Test extends Orbit_Test_Case {

	public function test_valid_facts_are_accepted(): void {
		$this->assertTrue( App_Meta::validate( App_Meta::IMAGE, $this->image_facts() ) );
		$this->assertTrue(
			App_Meta::validate(
				App_Meta::SCAN,
				array(
					'status' => 'unavailable',
					'counts' => array(
						'CRITICAL' => 2,
						'HIGH'     => 5,
					),
				)
			)
		);
		$this->assertTrue( App_Meta::validate( App_Meta::ENVIRONMENTS, array( 'dev' => array( 'status' => 'deployed', 'revision' => 3, 'replicas' => 2 ) ) ) );
		$this->assertTrue( App_Meta::validate( App_Meta::DELETED, array( 'deleted' => true, 'environment' => 'test', 'at' => '2026-11-27T21:00:00Z' ) ) );
		$this->assertTrue(
			App_Meta::validate(
				App_Meta::DEPLOY_INPUTS,
				array(
					'replicas'      => 2,
					'containerPort' => 8080,
					'resources'     => array(
						'requests' => array( 'cpu' => '250m', 'memory' => '512Mi' ),
						'limits'   => array( 'cpu' => '', 'memory' => '1Gi' ),
					),
					'env'           => array( 'GREETING' => 'hello' ),
				)
			)
		);
	}

	/**
	 * @dataProvider wrong_values
	 *
	 * @param string $key   Meta key.
	 * @param mixed  $value Value that must be rejected.
	 */
	public function test_schemas_reject_wrong_values( string $key, $value ): void {
		$result = App_Meta::validate( $key, $value );
		$this->assertInstanceOf( \WP_Error::class, $result );
		$this->assertNotSame( '', $result->get_error_message() );

		$post_id = $this->app();
		$this->assertInstanceOf( \WP_Error::class, App_Meta::write( $post_id, $key, is_array( $value ) ? $value : array( $value ) ) );
		$this->assertSame( array(), App_Meta::read( $post_id, $key ), 'a rejected value is not stored' );
	}

	public function wrong_values(): array {
		return array(
			'size as text'              => array( App_Meta::IMAGE, array( 'size' => 'big' ) ),
			'negative size'             => array( App_Meta::IMAGE, array( 'size' => -1 ) ),
			'digest not sha256'         => array( App_Meta::IMAGE, array( 'manifestDigest' => 'md5:abc' ) ),
			'port not a port'           => array( App_Meta::IMAGE, array( 'exposedPorts' => array( 'http' ) ) ),
			'unknown image field'       => array( App_Meta::IMAGE, array( 'entrypoint' => '/bin/sh' ) ),
			'scan status not in enum'   => array( App_Meta::SCAN, array( 'status' => 'ok' ) ),
			'count as float text'       => array( App_Meta::SCAN, array( 'counts' => array( 'HIGH' => 'many' ) ) ),
			'environment status'        => array( App_Meta::ENVIRONMENTS, array( 'dev' => array( 'status' => 'running' ) ) ),
			'environment name invalid'  => array( App_Meta::ENVIRONMENTS, array( 'Prod!' => array( 'status' => 'deployed' ) ) ),
			'environment state a string' => array( App_Meta::ENVIRONMENTS, array( 'dev' => 'deployed' ) ),
			'deleted flag as text'      => array( App_Meta::DELETED, array( 'deleted' => 'perhaps' ) ),
			'date not a date'           => array( App_Meta::DELETED, array( 'at' => 'yesterday' ) ),
			'replicas beyond limit'     => array( App_Meta::DEPLOY_INPUTS, array( 'replicas' => 1000 ) ),
			'cpu not a quantity'        => array( App_Meta::DEPLOY_INPUTS, array( 'resources' => array( 'requests' => array( 'cpu' => 'lots' ) ) ) ),
			'env var name invalid'      => array( App_Meta::DEPLOY_INPUTS, array( 'env' => array( 'BAD NAME' => 'x' ) ) ),
		);
	}

	public function test_sanitising_drops_unknown_fields_and_coerces_types(): void {
		$sanitized = App_Meta::sanitize(
			App_Meta::SCAN,
			array(
				'status'  => 'scanned',
				'counts'  => array(
					'HIGH'  => '3',
					'bogus' => 1,
				),
				'exploit' => '<script>',
			)
		);
		$this->assertSame(
			array(
				'status' => 'scanned',
				'counts' => array( 'HIGH' => 3 ),
			),
			$sanitized
		);
		$this->assertSame( array(), App_Meta::sanitize( App_Meta::IMAGE, 'not an object' ) );
	}

	public function test_direct_update_post_meta_is_sanitised_too(): void {
		$post_id = $this->app();
		update_post_meta( $post_id, App_Meta::IMAGE, array( 'size' => '42', 'injected' => 'x' ) );
		$this->assertSame( array( 'size' => 42 ), App_Meta::read( $post_id, App_Meta::IMAGE ) );
	}

	public function test_write_keeps_the_query_index_in_step(): void {
		$post_id = $this->app();
		App_Meta::write( $post_id, App_Meta::SCAN, array( 'status' => 'unavailable' ) );
		App_Meta::write( $post_id, App_Meta::ENVIRONMENTS, array( 'dev' => array( 'status' => 'deployed' ), 'test' => array( 'status' => 'none' ) ) );
		App_Meta::write( $post_id, App_Meta::DELETED, array( 'deleted' => true, 'environment' => 'dev' ) );

		$this->assertSame( 'unavailable', get_post_meta( $post_id, App_Meta::INDEX_SCAN_STATUS, true ) );
		$this->assertSame( array( 'dev:deployed' ), get_post_meta( $post_id, App_Meta::INDEX_ENVIRONMENT_STATUS ) );
		$this->assertTrue( App_Meta::is_deleted( $post_id ) );

		App_Meta::write( $post_id, App_Meta::DELETED, array( 'deleted' => false ) );
		$this->assertFalse( App_Meta::is_deleted( $post_id ) );
		$this->assertSame( '', get_post_meta( $post_id, App_Meta::INDEX_DELETED, true ) );
	}

	public function test_keys_are_registered_read_only_and_hidden_from_custom_fields(): void {
		$registered = get_registered_meta_keys( 'post', 'orbit_app' );
		foreach ( App_Meta::keys() as $key ) {
			$this->assertArrayHasKey( $key, $registered );
			$this->assertTrue( is_protected_meta( $key, 'post' ), $key );
		}
		$this->assertFalse( $registered[ App_Meta::DEPLOY_INPUTS ]['show_in_rest'], 'deploy inputs are private' );
		$this->assertSame( 'object', $registered[ App_Meta::SCAN ]['show_in_rest']['schema']['type'] );

		$post_id = $this->app();
		wp_set_current_user( $this->user( 'administrator' ) );
		foreach ( App_Meta::keys() as $key ) {
			$this->assertFalse( current_user_can( 'edit_post_meta', $post_id, $key ), "even administrators cannot edit $key as meta" );
		}
	}
}
