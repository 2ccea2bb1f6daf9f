<?php
/**
 * Signed HTTP calls to the bridge.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Sends signed JSON requests and turns every failure into a WP_Error a person can act on.
 */
class Client {

	private const TIMEOUT_SECONDS = 15;

	/** Error-data code under which a refusal keeps the bridge's whole answer (see answer_of()). */
	private const ANSWER = 'orbit_bridge_answer';

	/** Largest answer read from the bridge (event pages and scan findings included). */
	private const MAX_RESPONSE_BYTES = 8 * MB_IN_BYTES;

	/**
	 * Creates a client for the configured bridge.
	 *
	 * @param string $base_url Bridge base URL.
	 * @param string $secret   Shared secret.
	 */
	public function __construct( private string $base_url, private string $secret ) {
	}

	/**
	 * A client for the bridge configured by constants, environment or settings.
	 */
	public static function from_config(): self {
		return new self( Config::bridge_url(), Config::bridge_secret() );
	}

	/**
	 * Sends a signed request.
	 *
	 * @param string      $method          HTTP method.
	 * @param string      $path            Path under the bridge URL with its query, e.g. /v1/uploads.
	 * @param array|null  $body            JSON body, or null for none.
	 * @param string|null $idempotency_key Idempotency-Key for requests that start work.
	 * @return array{status: int, body: mixed}|WP_Error
	 */
	public function request( string $method, string $path, ?array $body = null, ?string $idempotency_key = null ) {
		if ( '' === $this->base_url ) {
			return new WP_Error(
				'orbit_bridge_not_configured',
				__( 'The bridge URL is not set. Define K8OR_ORBIT_BRIDGE_URL in wp-config.php or enter it on Orbit → Settings.', 'k8or-orbit' ),
				array( 'status' => 503 )
			);
		}
		$problem = Signature::secret_problem( $this->secret );
		if ( null !== $problem ) {
			return new WP_Error(
				'orbit_bridge_not_configured',
				$problem . ' ' . __( '(wp-config.php, or Orbit → Settings.)', 'k8or-orbit' ),
				array( 'status' => 503 )
			);
		}

		$raw_body = null === $body ? '' : (string) wp_json_encode( $body );
		$headers  = Signature::headers( $this->secret, $method, $path, $raw_body );
		$headers['Accept'] = 'application/json';
		if ( '' !== $raw_body ) {
			$headers['Content-Type'] = 'application/json';
		}
		if ( null !== $idempotency_key ) {
			$headers['Idempotency-Key'] = $idempotency_key;
		}

		$response = wp_remote_request(
			$this->base_url . $path,
			array(
				'method'              => strtoupper( $method ),
				'headers'             => $headers,
				'body'                => '' === $raw_body ? null : $raw_body,
				'timeout'             => self::TIMEOUT_SECONDS,
				'redirection'         => 0,
				'limit_response_size' => self::MAX_RESPONSE_BYTES,
			)
		);

		if ( is_wp_error( $response ) ) {
			return new WP_Error(
				'orbit_bridge_unreachable',
				sprintf(
					/* translators: 1: bridge URL, 2: transport error. */
					__( 'Bridge unreachable at %1$s — is it running? Check K8OR_ORBIT_BRIDGE_URL. (%2$s)', 'k8or-orbit' ),
					$this->base_url,
					$response->get_error_message()
				),
				array( 'status' => 502 )
			);
		}

		$status  = (int) wp_remote_retrieve_response_code( $response );
		$text    = (string) wp_remote_retrieve_body( $response );
		$decoded = '' === $text ? null : json_decode( $text, true );

		if ( $status >= 200 && $status < 300 ) {
			if ( '' !== $text && null === $decoded ) {
				return new WP_Error(
					'orbit_bridge_bad_response',
					/* translators: %s: bridge URL. */
					sprintf( __( 'The bridge at %s answered with something that is not JSON. Is K8OR_ORBIT_BRIDGE_URL pointing at the Orbit bridge?', 'k8or-orbit' ), $this->base_url ),
					array( 'status' => 502 )
				);
			}
			return array(
				'status' => $status,
				'body'   => $decoded,
			);
		}

		return $this->error_from_answer( $status, is_array( $decoded ) ? $decoded : array() );
	}

	/**
	 * Maps a bridge error answer to a WP_Error.
	 *
	 * @param int   $status HTTP status from the bridge.
	 * @param array $answer Decoded `{code, message}`.
	 */
	private function error_from_answer( int $status, array $answer ): WP_Error {
		$code    = is_string( $answer['code'] ?? null ) ? $answer['code'] : '';
		$message = is_string( $answer['message'] ?? null ) ? $answer['message'] : '';

		if ( 401 === $status ) {
			return new WP_Error(
				'orbit_bridge_signature_rejected',
				sprintf(
					/* translators: %s: the bridge's own explanation. */
					__( 'The bridge rejected the signature — the secrets differ (K8OR_ORBIT_BRIDGE_SECRET here, ORBIT_BRIDGE_SECRET on the bridge) or the clocks are more than 300 seconds apart. Bridge said: %s', 'k8or-orbit' ),
					'' === $message ? $code : $message
				),
				array( 'status' => 502 )
			);
		}
		if ( $status >= 500 || 0 === $status ) {
			return new WP_Error(
				'orbit_bridge_failed',
				sprintf(
					/* translators: 1: HTTP status, 2: the bridge's explanation. */
					__( 'The bridge failed (HTTP %1$d): %2$s Check the bridge logs and its /readyz.', 'k8or-orbit' ),
					$status,
					'' === $message ? __( 'no details given.', 'k8or-orbit' ) : $message
				),
				array( 'status' => 502 )
			);
		}
		// 4xx other than 401: the bridge's own message says what to fix in the request.
		$error = new WP_Error(
			'' === $code ? 'orbit_bridge_rejected' : $code,
			'' === $message
				/* translators: %d: HTTP status. */
				? sprintf( __( 'The bridge refused the request (HTTP %d).', 'k8or-orbit' ), $status )
				: $message,
			array( 'status' => $status )
		);
		// The whole answer (e.g. the findings of a policy block) stays with the error under a code
		// of its own, which REST responses never print: a route passes on only what it checks.
		$error->add_data( $answer, self::ANSWER );
		return $error;
	}

	/**
	 * The bridge's whole answer to a refused request, unchecked; empty when there is none.
	 *
	 * @param WP_Error $error A refusal from request().
	 */
	public static function answer_of( WP_Error $error ): array {
		$answer = $error->get_error_data( self::ANSWER );
		return is_array( $answer ) ? $answer : array();
	}

	/**
	 * Sends GET /v1/ping and measures the round trip.
	 *
	 * @return array{connected: bool, version: string, latencyMs: int, message: string}
	 */
	public function ping(): array {
		$started = microtime( true );
		$answer  = $this->request( 'GET', '/v1/ping' );
		$latency = (int) round( ( microtime( true ) - $started ) * 1000 );
		if ( is_wp_error( $answer ) ) {
			return array(
				'connected' => false,
				'version'   => '',
				'latencyMs' => $latency,
				'message'   => $answer->get_error_message(),
			);
		}
		$body = is_array( $answer['body'] ) ? $answer['body'] : array();
		return array(
			'connected' => true === ( $body['ok'] ?? null ),
			'version'   => is_string( $body['version'] ?? null ) ? $body['version'] : '',
			'latencyMs' => $latency,
			'message'   => true === ( $body['ok'] ?? null ) ? '' : __( 'The bridge answered the ping without ok: true; check its logs.', 'k8or-orbit' ),
		);
	}
}
