<?php
/**
 * The request signature shared by the plugin and the bridge (both directions).
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

use WP_Error;

/**
 * HMAC-SHA256 over METHOD, PATH, TIMESTAMP, REQUEST_ID and the body's SHA-256, one per line.
 */
final class Signature {

	public const HEADER_TIMESTAMP  = 'X-Orbit-Timestamp';
	public const HEADER_REQUEST_ID = 'X-Orbit-Request-Id';
	public const HEADER_SIGNATURE  = 'X-Orbit-Signature';

	/** Seconds a signed request stays valid on either side of the receiver's clock. */
	public const WINDOW_SECONDS = 300;

	private const VERSION_PREFIX = 'v1=';

	private const REQUEST_ID_PATTERN = '/^[A-Za-z0-9._-]{8,128}$/';

	/** The rule WordPress and the bridge share for a usable secret (length, published examples). */
	private const SECRET_RULE_FILE = 'shared/published-example-secrets.json';

	/**
	 * Why a shared secret must not be used, or null when it may.
	 *
	 * Too short, or equal to a value published as an example (anyone who read the repository
	 * could sign with it). The rule is read from the file the bridge reads too.
	 *
	 * @param string $secret The configured secret.
	 */
	public static function secret_problem( string $secret ): ?string {
		$rule = self::secret_rule();
		$make = sprintf(
			/* translators: %s: a command that prints a random secret. */
			__( 'Make one with `%s` and set the same value as K8OR_ORBIT_BRIDGE_SECRET here and ORBIT_BRIDGE_SECRET on the bridge.', 'k8or-orbit' ),
			$rule['howToMake']
		);
		if ( '' === $secret ) {
			return __( 'No shared secret is configured.', 'k8or-orbit' ) . ' ' . $make;
		}
		if ( in_array( $secret, $rule['values'], true ) ) {
			return __( 'The shared secret is a published example value, which anyone can sign with.', 'k8or-orbit' ) . ' ' . $make;
		}
		if ( strlen( $secret ) < $rule['minimumLength'] ) {
			/* translators: %d: minimum length. */
			return sprintf( __( 'The shared secret is shorter than %d characters.', 'k8or-orbit' ), $rule['minimumLength'] ) . ' ' . $make;
		}
		return null;
	}

	/**
	 * The shared secret rule, read once per request.
	 *
	 * @return array{minimumLength: int, howToMake: string, values: list<string>}
	 */
	private static function secret_rule(): array {
		static $rule = null;
		if ( null === $rule ) {
			$decoded = json_decode( (string) file_get_contents( dirname( __DIR__, 2 ) . '/' . self::SECRET_RULE_FILE ), true );
			$rule    = array(
				'minimumLength' => max( 32, (int) ( $decoded['minimumLength'] ?? 32 ) ),
				'howToMake'     => (string) ( $decoded['howToMake'] ?? 'openssl rand -hex 32' ),
				'values'        => array_values( array_filter( (array) ( $decoded['values'] ?? array() ), 'is_string' ) ),
			);
		}
		return $rule;
	}

	/**
	 * The five canonical lines.
	 *
	 * @param string $method     HTTP method.
	 * @param string $path       Path with query (to the bridge) or REST route (to WordPress).
	 * @param string $timestamp  Unix seconds as sent.
	 * @param string $request_id Request id as sent.
	 * @param string $body       Raw body bytes.
	 */
	public static function canonical( string $method, string $path, string $timestamp, string $request_id, string $body ): string {
		return implode( "\n", array( strtoupper( $method ), $path, $timestamp, $request_id, hash( 'sha256', $body ) ) );
	}

	/**
	 * The signature header value.
	 *
	 * @param string $secret     Shared secret.
	 * @param string $method     HTTP method.
	 * @param string $path       Path as in canonical().
	 * @param string $timestamp  Unix seconds.
	 * @param string $request_id Request id.
	 * @param string $body       Raw body.
	 */
	public static function sign( string $secret, string $method, string $path, string $timestamp, string $request_id, string $body ): string {
		return self::VERSION_PREFIX . hash_hmac( 'sha256', self::canonical( $method, $path, $timestamp, $request_id, $body ), $secret );
	}

	/**
	 * Headers for a new signed request.
	 *
	 * @param string      $secret     Shared secret.
	 * @param string      $method     HTTP method.
	 * @param string      $path       Path as in canonical().
	 * @param string      $body       Raw body.
	 * @param int|null    $now        Unix time; the clock when null.
	 * @param string|null $request_id Request id; a fresh UUID v4 when null.
	 * @return array<string, string>
	 */
	public static function headers( string $secret, string $method, string $path, string $body, ?int $now = null, ?string $request_id = null ): array {
		$problem = self::secret_problem( $secret );
		if ( null !== $problem ) {
			// Callers check first (Client answers with the problem); this guards any other signer.
			throw new \DomainException( esc_html( $problem ) );
		}
		$timestamp  = (string) ( $now ?? time() );
		$request_id = $request_id ?? self::uuid4();
		return array(
			self::HEADER_TIMESTAMP  => $timestamp,
			self::HEADER_REQUEST_ID => $request_id,
			self::HEADER_SIGNATURE  => self::sign( $secret, $method, $path, $timestamp, $request_id, $body ),
		);
	}

	/**
	 * Checks headers, window and signature. The once-only request id is checked by the caller
	 * afterwards, so unsigned requests cannot fill the store.
	 *
	 * @param string                $secret  Shared secret.
	 * @param string                $method  HTTP method.
	 * @param string                $path    Path as in canonical().
	 * @param array<string, string> $headers Header values keyed by name, any case.
	 * @param string                $body    Raw body.
	 * @param int|null              $now     Unix time; the clock when null.
	 * @return true|WP_Error
	 */
	public static function verify( string $secret, string $method, string $path, array $headers, string $body, ?int $now = null ) {
		$headers    = array_change_key_case( $headers, CASE_LOWER );
		$timestamp  = (string) ( $headers[ strtolower( self::HEADER_TIMESTAMP ) ] ?? '' );
		$request_id = (string) ( $headers[ strtolower( self::HEADER_REQUEST_ID ) ] ?? '' );
		$signature  = (string) ( $headers[ strtolower( self::HEADER_SIGNATURE ) ] ?? '' );
		$now        = $now ?? time();

		$problem = self::secret_problem( $secret );
		if ( null !== $problem ) {
			return self::failure( 'orbit_signature_not_configured', $problem );
		}
		if ( '' === $timestamp || '' === $request_id || '' === $signature ) {
			return self::failure( 'orbit_signature_missing', __( 'The request is not signed: X-Orbit-Timestamp, X-Orbit-Request-Id and X-Orbit-Signature are required.', 'k8or-orbit' ) );
		}
		if ( ! preg_match( '/^\d{1,12}$/', $timestamp ) || ! preg_match( self::REQUEST_ID_PATTERN, $request_id ) ) {
			return self::failure( 'orbit_signature_malformed', __( 'X-Orbit-Timestamp must be Unix seconds and X-Orbit-Request-Id a UUID.', 'k8or-orbit' ) );
		}
		if ( abs( $now - (int) $timestamp ) > self::WINDOW_SECONDS ) {
			return self::failure( 'orbit_signature_expired', __( 'The request timestamp is more than 300 seconds away from this server\'s clock; check both clocks (NTP) and resend with a fresh signature.', 'k8or-orbit' ) );
		}
		$expected = self::sign( $secret, $method, $path, $timestamp, $request_id, $body );
		if ( ! hash_equals( $expected, $signature ) ) {
			return self::failure( 'orbit_signature_mismatch', __( 'The signature does not match: the shared secrets of WordPress and the bridge differ, or the request was changed on the way.', 'k8or-orbit' ) );
		}
		return true;
	}

	/**
	 * The request id of a verified request.
	 *
	 * @param array<string, string> $headers Header values keyed by name, any case.
	 */
	public static function request_id( array $headers ): string {
		return (string) ( array_change_key_case( $headers, CASE_LOWER )[ strtolower( self::HEADER_REQUEST_ID ) ] ?? '' );
	}

	/**
	 * A random UUID v4.
	 */
	public static function uuid4(): string {
		$bytes    = random_bytes( 16 );
		$bytes[6] = chr( ( ord( $bytes[6] ) & 0x0f ) | 0x40 );
		$bytes[8] = chr( ( ord( $bytes[8] ) & 0x3f ) | 0x80 );
		return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( bin2hex( $bytes ), 4 ) );
	}

	/**
	 * A rejection as the contract words it: 401 with a code and an actionable message.
	 *
	 * @param string $code    Error code.
	 * @param string $message What happened and what to do.
	 */
	private static function failure( string $code, string $message ): WP_Error {
		return new WP_Error( $code, $message, array( 'status' => 401 ) );
	}
}
