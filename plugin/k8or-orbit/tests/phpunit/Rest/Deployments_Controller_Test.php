<?php
/**
 * Deploys through REST: who may deploy where, the inputs checked, the bridge's answers relayed.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Tests\Bridge_Stand_In;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The bridge side is answered through core's pre_http_request with the agreed shapes, and every
 * request WordPress sends it is recorded (and its signature checked).
 */
final class Deployments_Controller_Test extends Orbit_Test_Case {

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
	 * Valid inputs.
	 */
	private function inputs(): array {
		return array(
			'replicas'      => 2,
			'containerPort' => 8080,
			'resources'     => array(
				'requests' => array(
					'cpu'    => '100m',
					'memory' => '128Mi',
				),
				'limits'   => array(
					'cpu'    => '0.5',
					'memory' => '256Mi',
				),
			),
			'env'           => array(
				array(
					'name'  => 'LOG_LEVEL',
					'value' => 'debug',
				),
				array(
					'name'  => 'APP_MODE',
					'value' => 'secret-value',
				),
			),
			'command'       => array( '/bin/hello' ),
			'args'          => array( '--port', '8080' ),
		);
	}

	/**
	 * POST /apps/{id}/deployments.
	 *
	 * @param int    $app_id      App id.
	 * @param string $environment Environment.
	 * @param array  $inputs      Inputs.
	 * @param string $key         Idempotency-Key, if any.
	 */
	private function deploy( int $app_id, string $environment, array $inputs, string $key = '' ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', "/k8or-orbit/v1/apps/$app_id/deployments" );
		$request->set_header( 'Content-Type', 'application/json' );
		if ( '' !== $key ) {
			$request->set_header( 'Idempotency-Key', $key );
		}
		$request->set_body(
			(string) wp_json_encode(
				array(
					'environment' => $environment,
					'inputs'      => $inputs,
				)
			)
		);
		return $this->dispatch( $request );
	}

	/**
	 * A GET with query parameters.
	 *
	 * @param string $path  Route.
	 * @param array  $query Query.
	 */
	private function get( string $path, array $query ): WP_REST_Response {
		$request = new WP_REST_Request( 'GET', $path );
		$request->set_query_params( $query );
		return $this->dispatch( $request );
	}

	public function test_who_may_deploy_where(): void {
		$app      = $this->app( array(), array( App_Meta::IMAGE => $this->image_facts() ) );
		$expected = array(
			array( 'anonymous', 'dev', 401 ),
			array( 'subscriber', 'dev', 403 ),
			array( 'editor', 'dev', 403 ),
			array( Roles::OPERATOR, 'dev', 202 ),
			array( Roles::OPERATOR, 'test', 202 ),
			array( Roles::OPERATOR, 'prod', 403 ),
			array( 'administrator', 'prod', 202 ),
		);
		foreach ( $expected as list( $role, $environment, $status ) ) {
			$this->act_as( $role );
			$calls_before = count( $this->sent );
			$response     = $this->deploy( $app, $environment, $this->inputs() );
			$this->assertSame( $status, $response->get_status(), "$role deploying to $environment" );
			$this->assertSame( 202 === $status ? 1 : 0, count( $this->sent ) - $calls_before, "$role to $environment reaches the bridge only when allowed" );
		}
	}

	public function test_a_deploy_sends_inputs_policy_actor_and_key(): void {
		$app = $this->app( array(), array( App_Meta::IMAGE => $this->image_facts() ) );
		$this->act_as( Roles::OPERATOR );
		$login         = wp_get_current_user()->user_login;
		$this->answers = array( array( 202, array( 'jobId' => 'job-42', 'revision' => 3 ) ) );

		$response = $this->deploy( $app, 'test', $this->inputs(), 'deploy-key-0001' );

		$this->assertSame( 202, $response->get_status() );
		$this->assertSame( array( 'jobId' => 'job-42', 'revision' => 3 ), $response->get_data() );
		$call = $this->sent[0];
		$this->assertSame( 'POST', $call['method'] );
		$this->assertSame( '/v1/apps/' . get_post( $app )->post_name . '/deployments', $call['path'] );
		$this->assertSame( 'deploy-key-0001', $call['headers']['Idempotency-Key'] );
		$this->assertSame( 'test', $call['body']['environment'] );
		$this->assertSame( 'gitops', $call['body']['mode'], 'the environment\'s mode from the settings' );
		$this->assertSame( '1.0.0', $call['body']['version'] );
		$this->assertSame( $login, $call['body']['actor']['login'] );
		$this->assertSame( $this->inputs(), $call['body']['inputs'] );
		$this->assertSame(
			array(
				'scanRequired'      => true,
				'maxSeverity'       => 'HIGH',
				'unknownSeverityAs' => 'CRITICAL',
				'exemptions'        => array(),
			),
			$call['body']['policy'],
			'the policy of the environment from the settings'
		);
		$this->assertSame( array(), App_Meta::read( $app, App_Meta::ENVIRONMENTS ), 'only the job\'s own events change the environment, so a failed deploy leaves it as it was' );
	}

	public function test_a_deploy_without_an_idempotency_key_gets_a_fresh_one(): void {
		$app = $this->app();
		$this->act_as( Roles::OPERATOR );
		$this->deploy( $app, 'dev', $this->inputs() );
		$this->deploy( $app, 'dev', $this->inputs() );
		$this->assertMatchesRegularExpression( '/^[0-9a-f-]{36}$/', $this->sent[0]['headers']['Idempotency-Key'] );
		$this->assertNotSame( $this->sent[0]['headers']['Idempotency-Key'], $this->sent[1]['headers']['Idempotency-Key'] );
	}

	public function test_invalid_inputs_are_refused_with_a_message_per_field_before_the_bridge_is_asked(): void {
		$app = $this->app();
		$this->act_as( Roles::OPERATOR );
		$inputs                                   = $this->inputs();
		$inputs['replicas']                       = 21;
		$inputs['containerPort']                  = 70000;
		$inputs['resources']['requests']['cpu']   = 'lots';
		$inputs['resources']['requests']['memory'] = '1Gi';
		$inputs['env'][]                          = array(
			'name'  => '1BAD',
			'value' => 'x',
		);
		$inputs['env'][]                          = array(
			'name'  => 'LOG_LEVEL',
			'value' => 'again',
		);
		$inputs['args']                           = array( '' );

		$response = $this->deploy( $app, 'dev', $inputs );

		$this->assertSame( 400, $response->get_status() );
		$fields = $response->get_data()['data']['fields'];
		$this->assertSame(
			array( 'replicas', 'containerPort', 'resources.requests.cpu', 'resources.requests.memory', 'env.2.name', 'env.3.name', 'args' ),
			array_keys( $fields )
		);
		$this->assertSame( 'Replicas: a whole number from 1 to 20.', $fields['replicas'] );
		$this->assertStringContainsString( 'at most the memory limit', $fields['resources.requests.memory'] );
		$this->assertStringContainsString( 'not starting with a digit', $fields['env.2.name'] );
		$this->assertSame( 'LOG_LEVEL is set twice; keep one.', $fields['env.3.name'] );
		$this->assertSame( array(), $this->sent, 'the bridge is not asked' );
	}

	public function test_the_fewest_replicas_and_no_port_are_accepted(): void {
		$app    = $this->app();
		$inputs = $this->inputs();
		$this->act_as( Roles::OPERATOR );
		$inputs['replicas'] = 1;
		unset( $inputs['containerPort'], $inputs['command'], $inputs['args'] );
		$inputs['env'] = array();
		$this->assertSame( 202, $this->deploy( $app, 'dev', $inputs )->get_status() );
		$this->assertSame( $inputs, $this->sent[0]['body']['inputs'] );
	}

	public function test_a_policy_block_names_its_findings(): void {
		$app      = $this->app();
		$findings = array(
			array(
				'id'               => 'CVE-2019-14697',
				'pkg'              => 'musl',
				'installedVersion' => '1.1.20-r3',
				'fixedVersion'     => '1.1.20-r5',
				'severity'         => 'CRITICAL',
			),
		);
		$this->answers = array(
			array(
				409,
				array(
					'code'     => 'orbit_policy_blocked',
					'message'  => 'prod: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)',
					'findings' => $findings,
				),
			),
		);
		$this->act_as( 'administrator' );

		$response = $this->deploy( $app, 'prod', $this->inputs() );

		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'orbit_policy_blocked', $response->get_data()['code'] );
		$this->assertSame( $findings, $response->get_data()['findings'] );
		$this->assertStringContainsString( 'CVE-2019-14697', $response->get_data()['message'] );
		$this->assertArrayNotHasKey( 'prod', App_Meta::read( $app, App_Meta::ENVIRONMENTS ), 'a refused deploy leaves the environment as it was' );
	}

	public function test_a_deploy_already_running_is_refused(): void {
		$app           = $this->app();
		$this->answers = array(
			array(
				409,
				array(
					'code'    => 'orbit_deploy_running',
					'message' => 'A deploy of this app to dev is running; wait for it to finish.',
				),
			),
		);
		$this->act_as( Roles::OPERATOR );
		$response = $this->deploy( $app, 'dev', $this->inputs() );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'orbit_deploy_running', $response->get_data()['code'] );
	}

	public function test_a_deleted_app_is_not_deployed(): void {
		$app = $this->app( array(), array( App_Meta::DELETED => array( 'deleted' => true ) ) );
		$this->act_as( 'administrator' );
		$response = $this->deploy( $app, 'dev', $this->inputs() );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( array(), $this->sent );
	}

	public function test_the_status_event_updates_the_environment_and_older_state_never_rolls_it_back(): void {
		$name = $this->app_name();
		$app  = $this->app( array( 'post_name' => $name ) );
		$this->act_as( Roles::OPERATOR );
		$this->answers = array( array( 202, array( 'jobId' => 'job-7', 'revision' => 4 ) ) );
		$this->deploy( $app, 'dev', $this->inputs() );
		wp_set_current_user( 0 );

		$job       = $this->job_id();
		$committed = array(
			'status'      => 'committed',
			'revision'    => 4,
			'image'       => '127.0.0.1:5000/' . $name . '@sha256:' . str_repeat( 'c', 64 ),
			'commit'      => str_repeat( 'd', 40 ),
			'actor'       => array(
				'id'    => 2,
				'login' => 'operator',
			),
			'committedAt' => gmdate( 'Y-m-d\TH:i:s\Z', time() + 5 ),
			'updatedAt'   => gmdate( 'Y-m-d\TH:i:s\Z', time() + 5 ),
		);
		$event         = $this->event( $job, 14, $name, gmdate( 'Y-m-d\TH:i:s\Z', time() + 5 ), array( 'environments' => array( 'dev' => $committed ) ) );
		$event['name'] = 'deployment-status-updated';
		$this->assertSame( 200, $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) )->get_status() );

		$state = App_Meta::read( $app, App_Meta::ENVIRONMENTS )['dev'];
		$this->assertSame( 'committed', $state['status'] );
		$this->assertSame( 4, $state['revision'] );
		$this->assertSame( str_repeat( 'd', 40 ), $state['commit'] );
		$this->assertSame( $committed['image'], $state['image'] );

		$older                                   = $this->event( $job, 3, $name, gmdate( 'Y-m-d\TH:i:s\Z', time() - 60 ), array( 'environments' => array( 'dev' => array( 'status' => 'deploying', 'revision' => 3 ) ) ) );
		$older['name']                           = 'deployment-status-updated';
		$this->assertSame( 200, $this->dispatch( $this->signed_callback( array( 'events' => array( $older ) ) ) )->get_status() );
		$this->assertSame( 'committed', App_Meta::read( $app, App_Meta::ENVIRONMENTS )['dev']['status'], 'older state does not roll back' );

		// Visitors read the status, revision and time, not who deployed what.
		$public = $this->get( "/k8or-orbit/v1/apps/$app", array() )->get_data()['environments']['dev'];
		$this->assertSame( 'committed', $public['status'] );
		$this->assertSame( 4, $public['revision'] );
		$this->assertArrayHasKey( 'committedAt', $public );
		$this->assertArrayNotHasKey( 'actor', $public );
		$this->assertArrayNotHasKey( 'commit', $public );
		$this->assertArrayNotHasKey( 'image', $public );
	}

	public function test_a_deploy_job_s_events_apply_whole_and_leave_the_image_facts_alone(): void {
		$name      = $this->app_name();
		$app       = $this->app( array( 'post_name' => $name ), array( App_Meta::IMAGE => $this->image_facts() ) );
		$job       = $this->job_id();
		$reference = '127.0.0.1:5000/' . $name . '@sha256:' . str_repeat( 'c', 64 );
		$time      = gmdate( 'Y-m-d\TH:i:s\Z', time() + 10 );
		$events    = array();
		foreach (
			array(
				array( 'image-pushed', array( 'image' => $reference ) ),
				array( 'manifest-pushed', array( 'commit' => str_repeat( 'f', 40 ) ) ),
				array(
					'deployment-status-updated',
					array(
						'environments' => array(
							'dev' => array(
								'status'      => 'committed',
								'revision'    => 1,
								'image'       => $reference,
								'commit'      => str_repeat( 'f', 40 ),
								'committedAt' => $time,
								'updatedAt'   => $time,
								'message'     => 'Committed to the GitOps repository, waiting for sync.',
							),
						),
					),
				),
				array(
					'deployment-completed',
					array(
						'revision' => 1,
						'image'    => $reference,
						'commit'   => str_repeat( 'f', 40 ),
					),
				),
			) as $index => list( $event_name, $data )
		) {
			$event         = $this->event( $job, $index + 1, $name, $time, $data );
			$event['name'] = $event_name;
			$events[]      = $event;
		}

		$response = $this->dispatch( $this->signed_callback( array( 'events' => $events ) ) );

		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 4, $response->get_data()['applied'] );
		$this->assertSame( 'committed', App_Meta::read( $app, App_Meta::ENVIRONMENTS )['dev']['status'] );
		$this->assertSame( $reference, App_Meta::read( $app, App_Meta::ENVIRONMENTS )['dev']['image'] );
		$this->assertSame( '1.0.0', App_Meta::read( $app, App_Meta::IMAGE )['tag'], 'a pushed image\'s reference is not image facts' );
	}

	public function test_revisions_are_for_readers_of_jobs_and_come_with_inputs_to_prefill(): void {
		$app = $this->app(
			array(),
			array(
				App_Meta::IMAGE         => $this->image_facts(),
				App_Meta::DEPLOY_INPUTS => array(
					'replicas'  => 3,
					'resources' => array(
						'requests' => array(
							'cpu'    => '50m',
							'memory' => '64Mi',
						),
						'limits'   => array(
							'cpu'    => '1',
							'memory' => '1Gi',
						),
					),
					'env'       => array( 'GREETING' => 'hello' ),
				),
			)
		);
		$path = "/k8or-orbit/v1/apps/$app/deployments";

		$this->act_as( 'editor' );
		$this->assertSame( 403, $this->get( $path, array( 'environment' => 'dev' ) )->get_status() );
		wp_set_current_user( 0 );
		$this->assertSame( 401, $this->get( $path, array( 'environment' => 'dev' ) )->get_status() );

		$this->act_as( Roles::OPERATOR );
		$this->answers = array( array( 200, array( 'items' => array() ) ) );
		$first         = $this->get( $path, array( 'environment' => 'prod' ) );
		$this->assertSame( 200, $first->get_status(), 'operators read prod revisions even though they cannot deploy there' );
		$this->assertSame( '/v1/apps/' . get_post( $app )->post_name . '/deployments?environment=prod', $this->sent[0]['path'] );
		$this->assertSame(
			array(
				'replicas'      => 3,
				'containerPort' => 8080,
				'resources'     => array(
					'requests' => array(
						'cpu'    => '50m',
						'memory' => '64Mi',
					),
					'limits'   => array(
						'cpu'    => '1',
						'memory' => '1Gi',
					),
				),
				'env'           => array(
					array(
						'name'  => 'GREETING',
						'value' => 'hello',
					),
				),
			),
			json_decode( (string) wp_json_encode( $first->get_data()['defaults'] ), true ),
			'before any revision: the upload inputs, with the image\'s first exposed port'
		);

		$revision      = array(
			'revision'  => 2,
			'inputs'    => $this->inputs(),
			'createdAt' => '2026-12-01T03:00:00Z',
		);
		$this->answers = array(
			array(
				200,
				array(
					'items' => array(
						$revision,
						array(
							'revision' => 1,
							'inputs'   => array( 'replicas' => 1 ),
						),
					),
				),
			),
		);
		$later         = $this->get( $path, array( 'environment' => 'dev' ) )->get_data();
		$this->assertSame( 2, $later['items'][0]['revision'] );
		$this->assertSame( $this->inputs(), json_decode( (string) wp_json_encode( $later['defaults'] ), true ), 'after a deploy: the latest revision\'s inputs' );
	}

	public function test_a_preview_checks_the_inputs_and_sends_the_policy(): void {
		$app  = $this->app();
		$path = "/k8or-orbit/v1/apps/$app/deployments/preview";
		$this->act_as( Roles::OPERATOR );
		$this->assertSame( 403, $this->get( $path, array( 'environment' => 'prod', 'inputs' => wp_json_encode( $this->inputs() ) ) )->get_status() );

		$bad = $this->get( $path, array( 'environment' => 'dev', 'inputs' => '{"replicas": "two"}' ) );
		$this->assertSame( 400, $bad->get_status() );
		$this->assertArrayHasKey( 'replicas', $bad->get_data()['data']['fields'] );

		$preview       = array(
			'verdict'         => array(
				'environment' => 'dev',
				'allowed'     => true,
				'reason'      => 'passed',
			),
			'files'           => array( 'deployment.yaml' => "kind: Deployment\n" ),
			'diff'            => array(
				array(
					'file'   => 'deployment.yaml',
					'status' => 'added',
					'lines'  => array(
						array(
							'op'   => '+',
							'text' => 'kind: Deployment',
						),
					),
				),
			),
			'currentRevision' => null,
		);
		$this->answers = array( array( 200, $preview ) );
		$good          = $this->get( $path, array( 'environment' => 'dev', 'inputs' => wp_json_encode( $this->inputs() ) ) );
		$this->assertSame( 200, $good->get_status() );
		$this->assertSame( $preview, $good->get_data() );
		$call = end( $this->sent );
		$this->assertSame( 'POST', $call['method'] );
		$this->assertStringEndsWith( '/deployments/preview', $call['path'] );
		$this->assertSame( 'CRITICAL', $call['body']['policy']['maxSeverity'] );
		$this->assertFalse( $call['body']['policy']['scanRequired'] );
	}

	public function test_manifests_are_for_readers_of_jobs(): void {
		$app  = $this->app();
		$path = "/k8or-orbit/v1/apps/$app/manifests";
		$this->act_as( 'editor' );
		$this->assertSame( 403, $this->get( $path, array( 'environment' => 'dev' ) )->get_status() );
		$this->act_as( Roles::OPERATOR );
		$this->answers = array(
			array(
				200,
				array(
					'revision' => 2,
					'files'    => array( 'deployment.yaml' => "kind: Deployment\n" ),
				),
			),
		);
		$response      = $this->get(
			$path,
			array(
				'environment' => 'prod',
				'revision'    => 2,
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( "kind: Deployment\n", $response->get_data()['files']['deployment.yaml'] );
		$this->assertSame( '/v1/apps/' . get_post( $app )->post_name . '/manifests?environment=prod&revision=2', $this->sent[0]['path'] );
	}
}
