<?php
/**
 * Bridge answers pass through the route's schema, not as they came.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Bridge\Client;
use K8or\Orbit\Rest\Jobs_Controller;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * The bridge side is answered through core's pre_http_request, as in Client_Test.
 */
final class Bridge_Relay_Test extends Orbit_Test_Case {

	protected function tearDown(): void {
		remove_all_filters( 'pre_http_request' );
		parent::tearDown();
	}

	/**
	 * Answers every HTTP request with a status and a JSON body.
	 *
	 * @param int   $status HTTP status.
	 * @param mixed $body   Body, encoded as JSON.
	 */
	private function bridge_answers( int $status, $body ): Jobs_Controller {
		add_filter(
			'pre_http_request',
			fn() => array(
				'headers'  => array( 'content-type' => 'application/json' ),
				'body'     => wp_json_encode( $body ),
				'response' => array(
					'code'    => $status,
					'message' => '',
				),
				'cookies'  => array(),
				'filename' => null,
			)
		);
		return new Jobs_Controller( new Client( 'http://bridge.test', str_repeat( 'k', 40 ) ) );
	}

	private function job_request( string $route = '/k8or-orbit/v1/jobs/job-1' ): WP_REST_Request {
		$request = new WP_REST_Request( 'GET', $route );
		$request->set_url_params( array( 'id' => 'job-1' ) );
		$request->set_query_params( array( 'limit' => 50 ) );
		return $request;
	}

	public function test_unknown_properties_of_a_job_are_dropped(): void {
		$controller = $this->bridge_answers(
			200,
			array(
				'jobId'     => 'job-1',
				'kind'      => 'upload',
				'appName'   => 'hello-web',
				'status'    => 'running',
				'steps'     => array(
					array(
						'name'   => 'validate',
						'status' => 'done',
						'runs'   => 1,
						'lease'  => 'worker-7',
					),
				),
				'internals' => array( 'table' => 'orbit-jobs' ),
			)
		);
		$data = $controller->get_item( $this->job_request() )->get_data();

		$this->assertSame( 'running', $data['status'] );
		$this->assertSame(
			array(
				'name'   => 'validate',
				'status' => 'done',
				'runs'   => 1,
			),
			$data['steps'][0]
		);
		$this->assertArrayNotHasKey( 'internals', $data );
	}

	public function test_an_answer_of_another_shape_is_not_passed_on(): void {
		$controller = $this->bridge_answers(
			200,
			array(
				'jobId'  => 'job-1',
				'kind'   => 'upload',
				'status' => '<script>alert(1)</script>',
				'steps'  => array(),
			)
		);
		$result = $controller->get_item( $this->job_request() );
		$this->assertWPError( $result );
		$this->assertSame( 'orbit_bridge_unexpected_answer', $result->get_error_code() );
		$this->assertSame( 502, $result->get_error_data()['status'] );
	}

	public function test_event_pages_keep_only_their_shape(): void {
		$controller = $this->bridge_answers(
			200,
			array(
				'items'      => array(
					array(
						'jobId'   => 'job-1',
						'seq'     => 2,
						'name'    => 'image-stored',
						'step'    => 'store',
						'outcome' => 'succeeded',
						'appName' => 'hello-web',
						'time'    => '2026-01-01T00:00:00.000Z',
						'data'    => array( 'size' => 10 ),
						'pk'      => 'JOB#job-1',
					),
				),
				'nextCursor' => null,
				'lastKey'    => array( 'pk' => 'JOB#job-1' ),
			)
		);
		$data = $controller->get_events( $this->job_request( '/k8or-orbit/v1/jobs/job-1/events' ) )->get_data();
		$this->assertSame( array( 'items', 'nextCursor' ), array_keys( $data ) );
		$this->assertArrayNotHasKey( 'pk', $data['items'][0] );
		$this->assertSame( array( 'size' => 10 ), $data['items'][0]['data'] );

	}

	/**
	 * Asserts a value is a WP_Error.
	 *
	 * @param mixed $value Value.
	 */
	private function assertWPError( $value ): void {
		$this->assertInstanceOf( \WP_Error::class, $value );
	}
}
