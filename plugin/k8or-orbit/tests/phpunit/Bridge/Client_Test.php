<?php
/**
 * Signed calls to the bridge and the errors people see.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Bridge;

use K8or\Orbit\Bridge\Client;
use K8or\Orbit\Bridge\Signature;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * The request carries a signature the bridge can verify; failures become actionable WP_Errors.
 * The bridge side is answered through core's pre_http_request, with the shapes the contract names.
 */
final class Client_Test extends Orbit_Test_Case {

	private const SECRET = 'client-test-secret-0123456789abcdef';

	/** @var array<string, mixed>|null */
	private ?array $sent = null;

	protected function tearDown(): void {
		remove_all_filters( 'pre_http_request' );
		parent::tearDown();
	}

	/**
	 * Answers the next HTTP request with a status and body, remembering what was sent.
	 *
	 * @param int    $status HTTP status.
	 * @param string $body   Body.
	 */
	private function answer( int $status, string $body ): void {
		add_filter(
			'pre_http_request',
			function ( $pre, $args, $url ) use ( $status, $body ) {
				$this->sent = array( 'args' => $args, 'url' => $url );
				return array(
					'headers'  => array( 'content-type' => 'application/json' ),
					'body'     => $body,
					'response' => array( 'code' => $status, 'message' => '' ),
					'cookies'  => array(),
					'filename' => null,
				);
			},
			10,
			3
		);
	}

	public function test_requests_are_signed_over_path_and_body(): void {
		$this->answer( 202, '{"jobId":"j-1"}' );
		$result = ( new Client( 'http://bridge.test:8787', self::SECRET ) )->request( 'POST', '/v1/apps/hello/scan', array( 'environment' => 'dev' ), 'key-12345678' );

		$this->assertSame( array( 'status' => 202, 'body' => array( 'jobId' => 'j-1' ) ), $result );
		$this->assertSame( 'http://bridge.test:8787/v1/apps/hello/scan', $this->sent['url'] );
		$headers = $this->sent['args']['headers'];
		$this->assertSame( 'key-12345678', $headers['Idempotency-Key'] );
		$this->assertTrue( Signature::verify( self::SECRET, 'POST', '/v1/apps/hello/scan', $headers, $this->sent['args']['body'] ) );
	}

	public function test_unreachable_bridge_says_where_and_what_to_check(): void {
		$result = ( new Client( 'http://127.0.0.1:1', self::SECRET ) )->request( 'GET', '/v1/ping' );
		$this->assertSame( 'orbit_bridge_unreachable', $result->get_error_code() );
		$this->assertStringContainsString( 'Bridge unreachable at http://127.0.0.1:1', $result->get_error_message() );
		$this->assertStringContainsString( 'K8OR_ORBIT_BRIDGE_URL', $result->get_error_message() );
		$this->assertSame( 502, $result->get_error_data()['status'] );
	}

	public function test_rejected_signature_points_at_the_secrets(): void {
		$this->answer( 401, '{"code":"orbit_signature_mismatch","message":"The signature does not match."}' );
		$result = ( new Client( 'http://bridge.test', self::SECRET ) )->request( 'GET', '/v1/ping' );
		$this->assertSame( 'orbit_bridge_signature_rejected', $result->get_error_code() );
		$this->assertStringContainsString( 'secrets differ', $result->get_error_message() );
	}

	public function test_bridge_failures_and_refusals(): void {
		$this->answer( 503, '{"code":"not_ready","message":"NATS is down."}' );
		$failed = ( new Client( 'http://bridge.test', self::SECRET ) )->request( 'GET', '/v1/jobs/x' );
		$this->assertSame( 'orbit_bridge_failed', $failed->get_error_code() );
		$this->assertStringContainsString( 'NATS is down.', $failed->get_error_message() );
		remove_all_filters( 'pre_http_request' );

		$this->answer( 404, '{"code":"orbit_job_not_found","message":"No job x; check the id."}' );
		$refused = ( new Client( 'http://bridge.test', self::SECRET ) )->request( 'GET', '/v1/jobs/x' );
		$this->assertSame( 'orbit_job_not_found', $refused->get_error_code() );
		$this->assertSame( 404, $refused->get_error_data()['status'] );
	}

	public function test_missing_configuration_is_named(): void {
		$this->assertSame( 'orbit_bridge_not_configured', ( new Client( '', self::SECRET ) )->request( 'GET', '/v1/ping' )->get_error_code() );
		$this->assertStringContainsString( 'K8OR_ORBIT_BRIDGE_SECRET', ( new Client( 'http://bridge.test', 'short' ) )->request( 'GET', '/v1/ping' )->get_error_message() );
	}
}
