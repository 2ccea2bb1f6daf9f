<?php
/**
 * Cluster feedback in WordPress: Refresh through REST, and the state a cluster-status job delivers.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Bridge\Signature;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Settings\Settings;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The bridge side is answered through core's pre_http_request; every request WordPress sends it
 * is recorded and its signature checked.
 */
final class Environment_Status_Controller_Test extends Orbit_Test_Case {

	/** @var list<array{method: string, path: string, body: mixed}> */
	private array $sent = array();

	protected function setUp(): void {
		parent::setUp();
		$this->secret();
		$settings              = Settings::get();
		$settings['bridgeUrl'] = 'http://bridge.test:8787';
		foreach ( $settings['environments'] as &$environment ) {
			if ( 'test' === $environment['name'] ) {
				$environment['mode']      = 'direct';
				$environment['namespace'] = 'orbit-test-direct';
			}
		}
		unset( $environment );
		update_option( Settings::OPTION, $settings, false );
		add_filter( 'pre_http_request', array( $this, 'bridge_stand_in' ), 10, 3 );
	}

	protected function tearDown(): void {
		remove_filter( 'pre_http_request', array( $this, 'bridge_stand_in' ), 10 );
		parent::tearDown();
	}

	/**
	 * Records a request to the bridge and answers as POST /v1/apps/{app}/status does.
	 *
	 * @param mixed  $pre  Earlier short-circuit.
	 * @param array  $args Request arguments.
	 * @param string $url  URL.
	 */
	public function bridge_stand_in( $pre, $args, $url ): array {
		$path = (string) substr( $url, strlen( Config::bridge_url() ) );
		$body = (string) ( $args['body'] ?? '' );
		$this->assertTrue( Signature::verify( Config::bridge_secret(), $args['method'], $path, $args['headers'], $body ), 'every bridge call is signed' );
		$this->sent[] = array(
			'method' => $args['method'],
			'path'   => $path,
			'body'   => json_decode( $body, true ),
		);
		return array(
			'headers'  => array( 'content-type' => 'application/json' ),
			'body'     => (string) wp_json_encode(
				array(
					'jobId'   => 'cluster-status:job-' . count( $this->sent ),
					'ignored' => 'not in the schema',
				)
			),
			'response' => array(
				'code'    => 202,
				'message' => '',
			),
			'cookies'  => array(),
			'filename' => null,
		);
	}

	/**
	 * An app committed to dev, test and prod.
	 */
	private function deployed_app(): int {
		$state = array(
			'status'      => 'committed',
			'revision'    => 2,
			'commit'      => str_repeat( 'a', 40 ),
			'committedAt' => '2026-12-01T08:00:00Z',
			'updatedAt'   => '2026-12-01T08:00:00Z',
			'message'     => 'Committed aaaaaaaaaaaa; no Argo CD is configured for dev, so Orbit cannot tell when it runs.',
		);
		return $this->app(
			array(),
			array(
				App_Meta::ENVIRONMENTS => array(
					'dev'  => $state,
					'test' => $state,
					'prod' => $state,
				),
			)
		);
	}

	/**
	 * POST /apps/{id}/environments/{environment}/status.
	 *
	 * @param int    $app_id      App id.
	 * @param string $environment Environment.
	 */
	private function refresh( int $app_id, string $environment ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', "/k8or-orbit/v1/apps/$app_id/environments/$environment/status" );
		$request->set_header( 'Content-Type', 'application/json' );
		return $this->dispatch( $request );
	}

	public function test_refresh_is_for_users_who_may_deploy_to_the_environment(): void {
		$app = $this->deployed_app();
		foreach (
			array(
				array( 'anonymous', 'dev', 401 ),
				array( 'subscriber', 'dev', 403 ),
				array( 'editor', 'dev', 403 ),
				array( Roles::OPERATOR, 'dev', 202 ),
				array( Roles::OPERATOR, 'prod', 403 ),
				array( 'administrator', 'prod', 202 ),
			) as list( $role, $environment, $status )
		) {
			$this->act_as( $role );
			$calls_before = count( $this->sent );
			$this->assertSame( $status, $this->refresh( $app, $environment )->get_status(), "$role refreshing $environment" );
			$this->assertSame( 202 === $status ? 1 : 0, count( $this->sent ) - $calls_before, "$role reaches the bridge only when allowed" );
		}
	}

	public function test_refresh_asks_the_bridge_with_the_environment_s_mode_namespace_and_held_state(): void {
		$app = $this->deployed_app();
		$this->act_as( Roles::OPERATOR );
		$login = wp_get_current_user()->user_login;

		$response = $this->refresh( $app, 'test' );

		$this->assertSame( 202, $response->get_status() );
		$this->assertSame( array( 'jobId' => 'cluster-status:job-1' ), $response->get_data(), 'only what the schema describes is relayed' );
		$call = $this->sent[0];
		$this->assertSame( 'POST', $call['method'] );
		$this->assertSame( '/v1/apps/' . get_post( $app )->post_name . '/status', $call['path'] );
		$this->assertSame( 'test', $call['body']['environment'] );
		$this->assertSame( 'direct', $call['body']['mode'] );
		$this->assertSame( 'orbit-test-direct', $call['body']['namespace'] );
		$this->assertSame( $login, $call['body']['actor']['login'] );
		$this->assertSame( 2, $call['body']['state']['revision'] );
		$this->assertSame( str_repeat( 'a', 40 ), $call['body']['state']['commit'] );
	}

	public function test_an_app_never_deployed_to_the_environment_is_409_without_a_job(): void {
		$app = $this->app();
		$this->act_as( 'administrator' );

		$response = $this->refresh( $app, 'dev' );

		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'orbit_not_deployed', $response->get_data()['code'] );
		$this->assertSame( array(), $this->sent );
	}

	public function test_an_environment_a_job_is_changing_is_409_without_a_job(): void {
		$app = $this->app(
			array(),
			array(
				App_Meta::ENVIRONMENTS => array(
					'dev' => array(
						'status'   => 'deploying',
						'revision' => 3,
						'jobId'    => 'deploy-running-job',
					),
				),
			)
		);
		$this->act_as( 'administrator' );

		$response = $this->refresh( $app, 'dev' );

		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'orbit_environment_busy', $response->get_data()['code'] );
		$this->assertSame( array(), $this->sent );
	}

	public function test_an_unknown_environment_is_400(): void {
		$app = $this->deployed_app();
		$this->act_as( 'administrator' );
		$this->assertSame( 400, $this->refresh( $app, 'staging' )->get_status() );
		$this->assertSame( array(), $this->sent );
	}

	public function test_the_cluster_state_a_status_job_delivers_is_stored_and_public(): void {
		$app  = $this->deployed_app();
		$name = get_post( $app )->post_name;
		$job  = $this->job_id();
		$time = gmdate( 'Y-m-d\TH:i:s\Z', time() + 5 );
		$live = array(
			'status'        => 'deployed',
			'revision'      => 2,
			'commit'        => str_repeat( 'a', 40 ),
			'committedAt'   => '2026-12-01T08:00:00Z',
			'health'        => 'Healthy',
			'replicas'      => 3,
			'readyReplicas' => 3,
			'ready'         => '3/3 ready',
			'deployedAt'    => $time,
			'checkedAt'     => $time,
		);

		$event         = $this->event( $job, 2, $name, $time, array( 'environments' => array( 'dev' => $live ) ) );
		$event['name'] = 'deployment-status-updated';
		$response      = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );

		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		wp_set_current_user( 0 );
		$public = $this->dispatch( new WP_REST_Request( 'GET', "/k8or-orbit/v1/apps/$app" ) )->get_data()['environments']['dev'];
		$this->assertSame( 'deployed', $public['status'] );
		$this->assertSame( 'Healthy', $public['health'] );
		$this->assertSame( 3, $public['readyReplicas'] );
		$this->assertSame( 3, $public['replicas'] );
		$this->assertSame( $time, $public['checkedAt'] );
		$this->assertArrayNotHasKey( 'message', $public, 'the committed message described the earlier state' );
	}

	public function test_a_health_word_outside_the_contract_is_refused_and_the_state_kept(): void {
		$app           = $this->deployed_app();
		$name          = get_post( $app )->post_name;
		$event         = $this->event(
			$this->job_id(),
			2,
			$name,
			gmdate( 'Y-m-d\TH:i:s\Z', time() + 5 ),
			array(
				'environments' => array(
					'dev' => array(
						'status'   => 'degraded',
						'revision' => 2,
						'health'   => 'On fire',
					),
				),
			)
		);
		$event['name'] = 'deployment-status-updated';

		$response = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );

		$this->assertGreaterThanOrEqual( 400, $response->get_status() );
		$this->assertSame( 'committed', App_Meta::read( $app, App_Meta::ENVIRONMENTS )['dev']['status'] );
	}
}
