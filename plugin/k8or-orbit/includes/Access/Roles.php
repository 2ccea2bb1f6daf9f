<?php
/**
 * The Orbit Operator role and the Orbit capabilities of every role.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Access;

use K8or\Orbit\Settings\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Keeps the roles in line with Capabilities::for_role().
 */
final class Roles {

	public const OPERATOR = 'orbit_operator';

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'k8or_orbit_settings_updated', array( $this, 'on_settings_updated' ) );
	}

	/**
	 * Gives environments added (or takes from those removed) their deploy capability.
	 *
	 * @param array $settings The stored settings.
	 */
	public function on_settings_updated( array $settings ): void {
		self::sync( $settings['environments'] );
	}

	/**
	 * Creates the operator role and sets every role's Orbit and app post capabilities.
	 *
	 * @param list<array{name: string, restricted?: bool}>|null $environments Environments; the configured ones when null.
	 */
	public static function sync( ?array $environments = null ): void {
		$environments = $environments ?? Settings::environments();
		if ( null === get_role( self::OPERATOR ) ) {
			add_role( self::OPERATOR, 'Orbit Operator', array( 'read' => true ) );
		}
		foreach ( wp_roles()->role_objects as $name => $role ) {
			$wanted = array_merge( Capabilities::for_role( $name, $environments ), Capabilities::app_posts_for_role( $name ) );
			foreach ( array_keys( $role->capabilities ) as $capability ) {
				if ( self::is_managed( $capability ) && ! in_array( $capability, $wanted, true ) ) {
					$role->remove_cap( $capability );
				}
			}
			foreach ( $wanted as $capability ) {
				if ( ! $role->has_cap( $capability ) ) {
					$role->add_cap( $capability );
				}
			}
		}
	}

	/**
	 * Removes the operator role and every Orbit and app post capability from every role.
	 */
	public static function remove(): void {
		foreach ( wp_roles()->role_objects as $role ) {
			foreach ( array_keys( $role->capabilities ) as $capability ) {
				if ( self::is_managed( $capability ) ) {
					$role->remove_cap( $capability );
				}
			}
		}
		remove_role( self::OPERATOR );
	}

	/**
	 * Whether sync() and remove() own a capability.
	 *
	 * @param string $capability Capability name.
	 */
	private static function is_managed( string $capability ): bool {
		return Capabilities::is_orbit( $capability ) || Capabilities::is_app_post( $capability );
	}
}
