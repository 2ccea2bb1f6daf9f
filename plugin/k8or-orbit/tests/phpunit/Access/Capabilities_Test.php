<?php
/**
 * Which role holds which Orbit capability.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Access;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Access\Roles;
use K8or\Orbit\Settings\Settings;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * The capability mapping, as stored on the real roles.
 */
final class Capabilities_Test extends Orbit_Test_Case {

	private const ALL_DEFAULT = array(
		'orbit_read_jobs',
		'orbit_upload',
		'orbit_scan',
		'orbit_deploy_dev',
		'orbit_deploy_test',
		'orbit_deploy_prod',
		'orbit_transfer',
		'orbit_delete',
		'orbit_restore',
		'orbit_manage_settings',
	);

	protected function setUp(): void {
		parent::setUp();
		delete_option( Settings::OPTION );
		Roles::sync();
	}

	public function test_the_ten_capabilities_with_the_default_environments(): void {
		$this->assertEqualsCanonicalizing( self::ALL_DEFAULT, Capabilities::all( Settings::environments() ) );
	}

	/**
	 * @dataProvider roles
	 *
	 * @param string       $role     Role.
	 * @param list<string> $expected Orbit capabilities the role holds.
	 */
	public function test_role_holds_exactly_its_capabilities( string $role, array $expected ): void {
		wp_set_current_user( $this->user( $role ) );
		$held = array_values( array_filter( self::ALL_DEFAULT, 'current_user_can' ) );
		$this->assertEqualsCanonicalizing( $expected, $held );
	}

	public function roles(): array {
		return array(
			'administrator' => array( 'administrator', self::ALL_DEFAULT ),
			'operator'      => array( Roles::OPERATOR, array_values( array_diff( self::ALL_DEFAULT, array( 'orbit_deploy_prod', 'orbit_manage_settings' ) ) ) ),
			'editor'        => array( 'editor', array() ),
			'author'        => array( 'author', array() ),
			'subscriber'    => array( 'subscriber', array() ),
		);
	}

	public function test_operator_role_is_named_orbit_operator_and_editors_keep_editing(): void {
		$this->assertSame( 'Orbit Operator', wp_roles()->role_names[ Roles::OPERATOR ] );
		wp_set_current_user( $this->user( 'editor' ) );
		$this->assertTrue( current_user_can( 'edit_others_posts' ) );
		$post_id = $this->app();
		$this->assertTrue( current_user_can( 'edit_post', $post_id ), 'editors edit catalog pages' );
	}

	public function test_environment_added_later_gets_its_deploy_capability_and_a_removed_one_loses_it(): void {
		$environments   = Settings::environments();
		$environments[] = array(
			'name'       => 'staging',
			'namespace'  => 'orbit-staging',
			'bucket'     => 'orbit-staging',
			'registry'   => '',
			'mode'       => 'direct',
			'restricted' => false,
			'policy'     => array(
				'scanRequired' => true,
				'maxSeverity'  => 'MEDIUM',
			),
		);
		$this->assertIsArray( Settings::update( array( 'environments' => $environments ) ) );

		$this->assertTrue( get_role( 'administrator' )->has_cap( 'orbit_deploy_staging' ) );
		$this->assertTrue( get_role( Roles::OPERATOR )->has_cap( 'orbit_deploy_staging' ) );
		$this->assertFalse( get_role( 'editor' )->has_cap( 'orbit_deploy_staging' ) );

		$without_test = array_values( array_filter( $environments, fn( $env ) => 'test' !== $env['name'] ) );
		$this->assertIsArray( Settings::update( array( 'environments' => $without_test ) ) );
		$this->assertFalse( get_role( 'administrator' )->has_cap( 'orbit_deploy_test' ) );
		$this->assertFalse( get_role( Roles::OPERATOR )->has_cap( 'orbit_deploy_test' ) );
	}

	public function test_restricted_environment_is_for_administrators_only(): void {
		$this->assertSame( array( 'orbit_read_jobs', 'orbit_upload', 'orbit_scan', 'orbit_transfer', 'orbit_delete', 'orbit_restore', 'orbit_deploy_a' ), Capabilities::for_role( Roles::OPERATOR, array( array( 'name' => 'a' ), array( 'name' => 'b', 'restricted' => true ) ) ) );
		$this->assertContains( 'orbit_deploy_b', Capabilities::for_role( 'administrator', array( array( 'name' => 'b', 'restricted' => true ) ) ) );
		$this->assertSame( array(), Capabilities::for_role( 'editor', array( array( 'name' => 'a' ) ) ) );
	}
}
