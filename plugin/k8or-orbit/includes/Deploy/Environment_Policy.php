<?php
/**
 * The policy of an environment as the bridge's gate reads it.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Deploy;

use K8or\Orbit\Settings\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * WordPress owns the policy (settings) and sends it with every job that needs a verdict;
 * the bridge alone decides the verdict from it.
 */
final class Environment_Policy {

	/**
	 * The policy of one environment: `{scanRequired, maxSeverity, unknownSeverityAs, exemptions}`.
	 *
	 * @param string $environment Environment name.
	 * @return array{scanRequired: bool, maxSeverity: string, unknownSeverityAs: string, exemptions: list<array>}|null Null for an unknown environment.
	 */
	public static function for_environment( string $environment ): ?array {
		foreach ( Settings::environments() as $configured ) {
			if ( $configured['name'] !== $environment ) {
				continue;
			}
			$policy = (array) ( $configured['policy'] ?? array() );
			return array(
				'scanRequired'      => ! empty( $policy['scanRequired'] ),
				'maxSeverity'       => strtoupper( (string) ( $policy['maxSeverity'] ?? 'critical' ) ),
				// Unknown severity counts as the most severe unless the settings say otherwise.
				'unknownSeverityAs' => strtoupper( (string) ( $policy['unknownSeverityAs'] ?? 'critical' ) ),
				'exemptions'        => array_values( array_filter( (array) ( $policy['exemptions'] ?? array() ), 'is_array' ) ),
			);
		}
		return null;
	}
}
