<?php
/**
 * The signature both sides compute.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Bridge;

use K8or\Orbit\Bridge\Signature;
use PHPUnit\Framework\TestCase;

/**
 * Signing, the 300-second window and tamper detection.
 */
final class Signature_Test extends TestCase {

	private const SECRET = 'a-shared-secret-of-at-least-32-characters';

	private const ROUTE = '/k8or-orbit/v1/bridge/events';

	public function test_signature_is_hmac_sha256_over_the_five_canonical_lines(): void {
		$body      = '{"events":[]}';
		$canonical = "POST\n/v1/uploads\n1764277200\n0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60\n" . hash( 'sha256', $body );

		$this->assertSame( $canonical, Signature::canonical( 'post', '/v1/uploads', '1764277200', '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60', $body ) );
		$this->assertSame(
			'v1=' . hash_hmac( 'sha256', $canonical, self::SECRET ),
			Signature::sign( self::SECRET, 'POST', '/v1/uploads', '1764277200', '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60', $body )
		);
	}

	public function test_known_vector_matches_an_independent_computation(): void {
		// Empty body: SHA-256 of the empty string.
		$this->assertSame(
			"GET\n/v1/ping\n1700000000\nreq-00000001\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			Signature::canonical( 'GET', '/v1/ping', '1700000000', 'req-00000001', '' )
		);
	}

	public function test_headers_verify_within_the_window(): void {
		$now     = 1764277200;
		$headers = Signature::headers( self::SECRET, 'POST', self::ROUTE, '{"a":1}', $now );

		$this->assertMatchesRegularExpression( '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $headers['X-Orbit-Request-Id'] );
		$this->assertMatchesRegularExpression( '/^v1=[0-9a-f]{64}$/', $headers['X-Orbit-Signature'] );
		$this->assertTrue( Signature::verify( self::SECRET, 'POST', self::ROUTE, $headers, '{"a":1}', $now ) );
		$this->assertTrue( Signature::verify( self::SECRET, 'POST', self::ROUTE, $headers, '{"a":1}', $now + 300 ) );
		$this->assertTrue( Signature::verify( self::SECRET, 'POST', self::ROUTE, $headers, '{"a":1}', $now - 300 ) );
		$this->assertTrue( Signature::verify( self::SECRET, 'POST', self::ROUTE, array_change_key_case( $headers, CASE_LOWER ), '{"a":1}', $now ) );
	}

	public function test_rejects_outside_the_window(): void {
		$now     = 1764277200;
		$headers = Signature::headers( self::SECRET, 'POST', self::ROUTE, '{}', $now );

		foreach ( array( $now + 301, $now - 301 ) as $clock ) {
			$result = Signature::verify( self::SECRET, 'POST', self::ROUTE, $headers, '{}', $clock );
			$this->assertWPErrorCode( 'orbit_signature_expired', $result );
		}
	}

	public function test_rejects_missing_headers(): void {
		$headers = Signature::headers( self::SECRET, 'POST', self::ROUTE, '{}', 1764277200 );
		foreach ( array_keys( $headers ) as $name ) {
			$partial = $headers;
			unset( $partial[ $name ] );
			$this->assertWPErrorCode( 'orbit_signature_missing', Signature::verify( self::SECRET, 'POST', self::ROUTE, $partial, '{}', 1764277200 ) );
		}
	}

	public function test_rejects_any_change_to_what_was_signed(): void {
		$now     = 1764277200;
		$headers = Signature::headers( self::SECRET, 'POST', self::ROUTE, '{"seq":1}', $now );

		$this->assertWPErrorCode( 'orbit_signature_mismatch', Signature::verify( self::SECRET, 'POST', self::ROUTE, $headers, '{"seq":2}', $now ), 'body' );
		$this->assertWPErrorCode( 'orbit_signature_mismatch', Signature::verify( self::SECRET, 'PUT', self::ROUTE, $headers, '{"seq":1}', $now ), 'method' );
		$this->assertWPErrorCode( 'orbit_signature_mismatch', Signature::verify( self::SECRET, 'POST', '/k8or-orbit/v1/settings', $headers, '{"seq":1}', $now ), 'path' );
		$this->assertWPErrorCode( 'orbit_signature_mismatch', Signature::verify( self::SECRET . 'x', 'POST', self::ROUTE, $headers, '{"seq":1}', $now ), 'secret' );

		$changed_id                       = $headers;
		$changed_id['X-Orbit-Request-Id'] = Signature::uuid4();
		$this->assertWPErrorCode( 'orbit_signature_mismatch', Signature::verify( self::SECRET, 'POST', self::ROUTE, $changed_id, '{"seq":1}', $now ), 'request id' );

		$changed_time                      = $headers;
		$changed_time['X-Orbit-Timestamp'] = (string) ( $now + 1 );
		$this->assertWPErrorCode( 'orbit_signature_mismatch', Signature::verify( self::SECRET, 'POST', self::ROUTE, $changed_time, '{"seq":1}', $now ), 'timestamp' );

		$unversioned                      = $headers;
		$unversioned['X-Orbit-Signature'] = substr( $headers['X-Orbit-Signature'], 3 );
		$this->assertWPErrorCode( 'orbit_signature_mismatch', Signature::verify( self::SECRET, 'POST', self::ROUTE, $unversioned, '{"seq":1}', $now ), 'no v1= prefix' );
	}

	public function test_rejects_malformed_values_and_an_unset_secret(): void {
		$headers                      = Signature::headers( self::SECRET, 'POST', self::ROUTE, '', 1764277200 );
		$headers['X-Orbit-Timestamp'] = '2026-11-27T21:00:00Z';
		$this->assertWPErrorCode( 'orbit_signature_malformed', Signature::verify( self::SECRET, 'POST', self::ROUTE, $headers, '', 1764277200 ) );
		$this->assertWPErrorCode( 'orbit_signature_not_configured', Signature::verify( '', 'POST', self::ROUTE, $headers, '', 1764277200 ) );
	}

	public function test_refuses_a_published_example_secret_or_a_short_one_with_how_to_make_one(): void {
		$example = 'example-only-signing-secret-not-for-real-use-0001';
		$forged  = Signature::headers( self::SECRET, 'POST', self::ROUTE, '{}', 1764277200 );
		$forged['X-Orbit-Signature'] = Signature::sign( $example, 'POST', self::ROUTE, $forged['X-Orbit-Timestamp'], $forged['X-Orbit-Request-Id'], '{}' );
		$result = Signature::verify( $example, 'POST', self::ROUTE, $forged, '{}', 1764277200 );
		$this->assertWPErrorCode( 'orbit_signature_not_configured', $result );
		$this->assertStringContainsString( 'openssl rand', $result->get_error_message() );
		$this->assertStringContainsString( 'example', Signature::secret_problem( $example ) );
		$this->assertStringContainsString( '32', Signature::secret_problem( 'thirty-one-characters-long-1234' ) );
		$this->assertNull( Signature::secret_problem( self::SECRET ) );
		$this->expectException( \DomainException::class );
		Signature::headers( $example, 'POST', self::ROUTE, '{}' );
	}

	/**
	 * Asserts a 401 WP_Error with a code.
	 *
	 * @param string $code    Expected code.
	 * @param mixed  $result  Result of verify().
	 * @param string $message What was changed.
	 */
	private function assertWPErrorCode( string $code, $result, string $message = '' ): void {
		$this->assertInstanceOf( \WP_Error::class, $result, $message );
		$this->assertSame( $code, $result->get_error_code(), $message );
		$this->assertSame( 401, $result->get_error_data()['status'] );
		$this->assertNotSame( '', $result->get_error_message() );
	}
}
