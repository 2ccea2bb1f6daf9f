<?php
/**
 * Where the bridge and the live NATS listener are, and the secret of the signed link.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

use K8or\Orbit\Settings\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Each value comes from a wp-config constant, else an environment variable of the same name,
 * else the settings screen.
 */
final class Config {

	/** Setting key => constant / environment variable name. */
	public const SOURCES = array(
		'bridgeUrl'        => 'K8OR_ORBIT_BRIDGE_URL',
		'bridgeSecret'     => 'K8OR_ORBIT_BRIDGE_SECRET',
		'natsWebsocketUrl' => 'K8OR_ORBIT_NATS_WEBSOCKET_URL',
	);

	/**
	 * The effective value of a setting.
	 *
	 * @param string $key One of the SOURCES keys.
	 */
	public static function get( string $key ): string {
		$fixed = self::fixed_value( $key );
		if ( null !== $fixed ) {
			return $fixed;
		}
		return (string) ( Settings::get()[ $key ] ?? '' );
	}

	/**
	 * The bridge base URL without a trailing slash.
	 */
	public static function bridge_url(): string {
		return untrailingslashit( self::get( 'bridgeUrl' ) );
	}

	/**
	 * The shared signing secret.
	 */
	public static function bridge_secret(): string {
		return self::get( 'bridgeSecret' );
	}

	/**
	 * The value fixed by a constant or environment variable, if any.
	 *
	 * @param string $key One of the SOURCES keys.
	 */
	public static function fixed_value( string $key ): ?string {
		$name = self::SOURCES[ $key ] ?? null;
		if ( null === $name ) {
			return null;
		}
		if ( defined( $name ) ) {
			return (string) constant( $name );
		}
		$env = getenv( $name );
		return false === $env || '' === $env ? null : (string) $env;
	}

	/**
	 * Setting keys that a constant or environment variable fixes (shown read-only on the settings screen).
	 *
	 * @return list<string>
	 */
	public static function fixed_keys(): array {
		return array_values( array_filter( array_keys( self::SOURCES ), fn( $key ) => null !== self::fixed_value( $key ) ) );
	}
}
