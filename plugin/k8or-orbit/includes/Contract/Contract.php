<?php
/**
 * The rules the plugin shares with the bridge, the console and the blocks.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Contract;

defined( 'ABSPATH' ) || exit;

/**
 * Reads contract.json, the copy of the repository's docs/contract.json the plugin ships
 * with, so a pattern, a limit, an event name or a shape is written once for every part.
 */
final class Contract {

	/**
	 * The decoded contract, read once per request.
	 *
	 * @var array|null
	 */
	private static $data = null;

	/**
	 * The whole contract.
	 */
	public static function data(): array {
		if ( null === self::$data ) {
			$file = dirname( __DIR__, 2 ) . '/contract.json';
			// phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a file shipped with the plugin.
			$decoded = json_decode( (string) file_get_contents( $file ), true );
			if ( ! is_array( $decoded ) ) {
				// The plugin is broken without it; say so rather than accept anything.
				throw new \RuntimeException( 'k8or-orbit: contract.json is missing or not JSON; reinstall the plugin.' );
			}
			self::$data = $decoded;
		}
		return self::$data;
	}

	/**
	 * A pattern (without delimiters), e.g. "appName".
	 *
	 * @param string $name Key of the patterns section.
	 */
	public static function pattern( string $name ): string {
		return self::data()['patterns'][ $name ];
	}

	/**
	 * Whether a value matches a pattern of the contract.
	 *
	 * @param string $name  Key of the patterns section.
	 * @param string $value Value to check.
	 */
	public static function matches( string $name, string $value ): bool {
		return 1 === preg_match( '#' . self::pattern( $name ) . '#', $value );
	}

	/**
	 * A limit, e.g. "descriptionLength"; nested ones by path, e.g. "deployInputs.replicasMax".
	 *
	 * @param string $path Key of the limits section, dot-separated.
	 * @return mixed
	 */
	public static function limit( string $path ) {
		$value = self::data()['limits'];
		foreach ( explode( '.', $path ) as $key ) {
			$value = $value[ $key ];
		}
		return $value;
	}

	/**
	 * Severities, most severe first (CRITICAL … UNKNOWN).
	 *
	 * @return list<string>
	 */
	public static function severities(): array {
		return self::data()['severities']['order'];
	}

	/**
	 * What a policy's highest severity allowed may be (NONE … CRITICAL).
	 *
	 * @return list<string>
	 */
	public static function severity_limits(): array {
		return self::data()['severities']['limits'];
	}

	/**
	 * A job kind's steps, completed and failure events.
	 *
	 * @param string $kind Job kind, e.g. "upload".
	 */
	public static function job( string $kind ): array {
		return self::data()['jobs'][ $kind ];
	}

	/**
	 * A shape of the contract as a schema rest_validate_value_from_schema() understands:
	 * references inlined.
	 *
	 * @param string $name Definition name, e.g. "Verdict".
	 */
	public static function schema( string $name ): array {
		return self::inline( self::data()['schemas']['$defs'][ $name ] );
	}

	/**
	 * Replaces each {"$ref": "#/$defs/X"} by the definition of X.
	 *
	 * @param array $schema A schema fragment.
	 */
	private static function inline( array $schema ): array {
		if ( isset( $schema['$ref'] ) ) {
			return self::schema( substr( $schema['$ref'], strlen( '#/$defs/' ) ) );
		}
		foreach ( $schema as $key => $value ) {
			if ( is_array( $value ) && 'enum' !== $key && 'required' !== $key ) {
				$schema[ $key ] = self::inline( $value );
			}
		}
		return $schema;
	}
}
