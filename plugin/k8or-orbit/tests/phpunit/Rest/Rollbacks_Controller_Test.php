<?php
/**
 * Rollbacks through REST: who may roll back where, what WordPress asks the bridge for, and the
 * bridge's refusals relayed with their codes.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Tests\Bridge_Stand_In;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The bridge side is answered by the stand-in; the refusals it gives are the contract's.
 */
final class Rollbacks_Controller_Test extends Orbit_Test_Case {

	use Bridge_Stand_In;

	protected function setUp(): void {
		parent::setUp();
		$this->stand_in_for_bridge();
	}

	protected function tearDown(): void {
		$this->remove_bridge_stand_in();
		parent::tearDown();
	}

	/**
	 * POST /apps/{id}/rollbacks.
	 *
	 * @param int   $app_id App id.
	 * @param array $body   Body.
	 * @param string $key   Idempotency-Key, if any.
	 */
	private function roll_back( int $app_id, array $body, string $key = '' ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', "/k8or-orbit/v1/apps/$app_id/rollbacks" );
		$request->set_header( 'Content-Type', 'application/json' );
		if ( '' !== $key ) {
			$request->set_header( 'Idempotency-Key', $key );
		}
		$request->set_body( (string) wp_json_encode( $body ) );
		return $this->dispatch( $request );
	}

	/**
	 * A refusal as the bridge answers it, with the contract's message.
	 *
	 * @param string $code Refusal code.
	 */
	private function bridge_refusal( string $code ): array {
		return array(
			409,
			array(
				'code'    => $code,
				'message' => Contract::data()['rollback']['refusals'][ $code ],
			),
		);
	}

	public function test_who_may_roll_back_where(): void {
		$app      = $this->app();
		$expected = array(
			array( 'anonymous', 'dev', 401 ),
			array( 'subscriber', 'dev', 403 ),
			array( 'editor', 'dev', 403 ),
			array( Roles::OPERATOR, 'dev', 202 ),
			array( Roles::OPERATOR, 'prod', 403 ),
			array( 'administrator', 'prod', 202 ),
		);
		foreach ( $expected as list( $role, $environment, $status ) ) {
			$this->act_as( $role );
			$calls_before = count( $this->sent );
			$response     = $this->roll_back(
				$app,
				array(
					'environment' => $environment,
					'revision'    => 2,
				)
			);
			$this->assertSame( $status, $response->get_status(), "$role rolling back in $environment" );
			$this->assertSame( 202 === $status ? 1 : 0, count( $this->sent ) - $calls_before, "$role in $environment reaches the bridge only when allowed" );
		}
		$this->act_as( Roles::OPERATOR );
		$refused = $this->roll_back(
			$app,
			array(
				'environment' => 'prod',
				'revision'    => 2,
			)
		);
		$this->assertStringContainsString( 'orbit_deploy_prod', $refused->get_data()['message'] );
	}

	public function test_only_the_revision_and_environment_reach_the_bridge_with_policy_actor_and_key(): void {
		$app = $this->app();
		$this->act_as( 'administrator' );
		$login         = wp_get_current_user()->user_login;
		$this->answers = array( array( 202, array( 'jobId' => 'job-7', 'revision' => 5 ) ) );

		$response = $this->roll_back(
			$app,
			array(
				'environment' => 'prod',
				'revision'    => 2,
				// What a rollback deploys comes from the bridge's revision, never from the browser.
				'inputs'      => array( 'replicas' => 20 ),
				'image'       => 'attacker.example/evil@sha256:' . str_repeat( 'a', 64 ),
			),
			'rollback-key-0001'
		);

		$this->assertSame( 202, $response->get_status() );
		$this->assertSame( array( 'jobId' => 'job-7', 'revision' => 5 ), $response->get_data() );
		$call = $this->sent[0];
		$this->assertSame( 'POST', $call['method'] );
		$this->assertSame( '/v1/apps/' . get_post( $app )->post_name . '/rollbacks', $call['path'] );
		$this->assertSame( 'rollback-key-0001', $call['headers']['Idempotency-Key'] );
		$this->assertSame( array( 'environment', 'revision', 'policy', 'actor', 'mode' ), array_keys( $call['body'] ) );
		$this->assertSame( 'gitops', $call['body']['mode'], 'the environment\'s mode from the settings, not the browser' );
		$this->assertSame( 2, $call['body']['revision'] );
		$this->assertSame( $login, $call['body']['actor']['login'] );
		$this->assertSame( 'CRITICAL', $call['body']['policy']['unknownSeverityAs'] );
	}

	public function test_invalid_revisions_are_refused_before_the_bridge(): void {
		$app = $this->app();
		$this->act_as( Roles::OPERATOR );
		foreach ( array( 0, -1, 'two', null ) as $revision ) {
			$response = $this->roll_back(
				$app,
				array(
					'environment' => 'dev',
					'revision'    => $revision,
				)
			);
			$this->assertSame( 400, $response->get_status(), 'revision ' . wp_json_encode( $revision ) );
		}
		$this->assertSame( 400, $this->roll_back( $app, array( 'revision' => 1 ) )->get_status(), 'an environment is required' );
		$this->assertSame( array(), $this->sent );
	}

	public function test_the_bridge_refusals_keep_their_codes(): void {
		$app = $this->app();
		$this->act_as( Roles::OPERATOR );
		foreach ( array_keys( Contract::data()['rollback']['refusals'] ) as $code ) {
			$this->answers = array( $this->bridge_refusal( $code ) );
			$response      = $this->roll_back(
				$app,
				array(
					'environment' => 'dev',
					'revision'    => 9,
				)
			);
			$this->assertSame( 409, $response->get_status(), $code );
			$this->assertSame( $code, $response->get_data()['code'] );
			$this->assertNotSame( '', $response->get_data()['message'] );
		}
	}

	public function test_a_deleted_app_is_not_rolled_back(): void {
		$app = $this->app( array(), array( App_Meta::DELETED => array( 'deleted' => true ) ) );
		$this->act_as( Roles::OPERATOR );
		$response = $this->roll_back(
			$app,
			array(
				'environment' => 'dev',
				'revision'    => 1,
			)
		);
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'orbit_app_deleted', $response->get_data()['code'] );
		$this->assertSame( array(), $this->sent );
	}
}
