<?php
/**
 * The Orbit capabilities and who holds them.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Access;

defined( 'ABSPATH' ) || exit;

/**
 * Names the capabilities and maps them to roles.
 */
final class Capabilities {

	public const READ_JOBS       = 'orbit_read_jobs';
	public const UPLOAD          = 'orbit_upload';
	public const SCAN            = 'orbit_scan';
	public const TRANSFER        = 'orbit_transfer';
	public const DELETE          = 'orbit_delete';
	public const RESTORE         = 'orbit_restore';
	public const MANAGE_SETTINGS = 'orbit_manage_settings';

	private const DEPLOY_PREFIX = 'orbit_deploy_';

	/**
	 * The capability to deploy to one environment.
	 *
	 * @param string $environment Environment name.
	 */
	public static function deploy( string $environment ): string {
		return self::DEPLOY_PREFIX . $environment;
	}

	/**
	 * Whether a capability name is an environment's deploy capability.
	 *
	 * @param string $capability Capability name.
	 */
	public static function is_deploy( string $capability ): bool {
		return str_starts_with( $capability, self::DEPLOY_PREFIX );
	}

	/**
	 * Capabilities that do not depend on the environments.
	 *
	 * @return list<string>
	 */
	public static function general(): array {
		return array(
			self::READ_JOBS,
			self::UPLOAD,
			self::SCAN,
			self::TRANSFER,
			self::DELETE,
			self::RESTORE,
			self::MANAGE_SETTINGS,
		);
	}

	/**
	 * Every Orbit capability for the given environments.
	 *
	 * @param list<array{name: string, restricted?: bool}> $environments Configured environments.
	 * @return list<string>
	 */
	public static function all( array $environments ): array {
		return array_merge( self::general(), array_map( fn( $env ) => self::deploy( $env['name'] ), $environments ) );
	}

	/**
	 * The Orbit capabilities a role should hold.
	 *
	 * Administrators hold every one; operators everything but the settings and deploys to restricted
	 * environments (by default prod); every other role none.
	 *
	 * @param string                                      $role         Role name.
	 * @param list<array{name: string, restricted?: bool}> $environments Configured environments.
	 * @return list<string>
	 */
	public static function for_role( string $role, array $environments ): array {
		if ( 'administrator' === $role ) {
			return self::all( $environments );
		}
		if ( Roles::OPERATOR === $role ) {
			$caps = array_values( array_diff( self::general(), array( self::MANAGE_SETTINGS ) ) );
			foreach ( $environments as $environment ) {
				if ( empty( $environment['restricted'] ) ) {
					$caps[] = self::deploy( $environment['name'] );
				}
			}
			return $caps;
		}
		return array();
	}

	/**
	 * Whether a capability belongs to Orbit (including deploy capabilities of removed environments).
	 *
	 * @param string $capability Capability name.
	 */
	public static function is_orbit( string $capability ): bool {
		return in_array( $capability, self::general(), true ) || self::is_deploy( $capability );
	}
}
