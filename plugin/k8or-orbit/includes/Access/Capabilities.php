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

	/** The capability type of app posts: edit_orbit_apps, publish_orbit_apps, … (see App_Post_Type). */
	public const APP_POST_TYPE = array( 'orbit_app', 'orbit_apps' );

	/** Editing app pages at all; also what filing an app under a category needs. */
	public const EDIT_APPS = 'edit_orbit_apps';

	/**
	 * The app post capabilities an editor holds: edit the page (title, description, category) and
	 * publish or unpublish it. Nobody holds create_posts: only the bridge's events create app pages.
	 */
	private const APP_POSTS_EDIT = array(
		'read_private_orbit_apps',
		self::EDIT_APPS,
		'edit_others_orbit_apps',
		'edit_published_orbit_apps',
		'edit_private_orbit_apps',
		'publish_orbit_apps',
	);

	/** What administrators hold beyond editors: deleting app pages. */
	private const APP_POSTS_DELETE = array(
		'delete_orbit_apps',
		'delete_others_orbit_apps',
		'delete_published_orbit_apps',
		'delete_private_orbit_apps',
	);

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
	 * The app post capabilities a role should hold: editors edit app pages, administrators also
	 * delete them; every other role (authors, contributors, operators) none.
	 *
	 * @param string $role Role name.
	 * @return list<string>
	 */
	public static function app_posts_for_role( string $role ): array {
		if ( 'administrator' === $role ) {
			return array_merge( self::APP_POSTS_EDIT, self::APP_POSTS_DELETE );
		}
		if ( 'editor' === $role ) {
			return self::APP_POSTS_EDIT;
		}
		return array();
	}

	/**
	 * Whether a capability is one of the app post capabilities.
	 *
	 * @param string $capability Capability name.
	 */
	public static function is_app_post( string $capability ): bool {
		return in_array( $capability, self::APP_POSTS_EDIT, true ) || in_array( $capability, self::APP_POSTS_DELETE, true );
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
