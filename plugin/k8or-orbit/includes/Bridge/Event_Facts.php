<?php
/**
 * Reads the facts an event carries into the shapes of the registered meta.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Settings\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * The bridge reports what it knows in its own terms (Trivy's upper-case severities, `repoTags`,
 * `archiveSize`, a scan that is `scanned`, an environment that holds an `uploaded` image); this turns
 * them into the meta the catalog shows. Fields already in meta terms pass through; unknown ones are dropped.
 */
final class Event_Facts {

	/** Severities from least to most severe, as the policy's "highest severity allowed" orders them. */
	private const SEVERITY_RANK = array(
		'none'     => 0,
		'low'      => 1,
		'medium'   => 2,
		'high'     => 3,
		'critical' => 4,
	);

	/**
	 * Image facts.
	 *
	 * @param array $raw   `image` as sent.
	 * @param array $event The event (for actor and time).
	 */
	public static function image( array $raw, array $event ): array {
		$image = self::known( App_Meta::IMAGE, $raw );
		if ( ! isset( $image['repository'] ) && isset( $raw['repoTags'][0] ) && is_string( $raw['repoTags'][0] ) ) {
			$reference = preg_replace( '/@.*$/', '', $raw['repoTags'][0] );
			$colon     = strrpos( $reference, ':' );
			$slash     = strrpos( $reference, '/' );
			if ( false !== $colon && ( false === $slash || $colon > $slash ) ) {
				$image['repository'] = substr( $reference, 0, $colon );
				$image['tag']      ??= substr( $reference, $colon + 1 );
			} else {
				$image['repository'] = $reference;
			}
		}
		if ( ! isset( $image['size'] ) ) {
			$size = $raw['archiveSize'] ?? $raw['totalSize'] ?? null;
			if ( null !== $size ) {
				$image['size'] = $size;
			}
		}
		if ( ! isset( $image['layerCount'] ) && isset( $raw['layers'] ) && is_int( $raw['layers'] ) ) {
			$image['layerCount'] = $raw['layers'];
		}
		if ( ! isset( $image['uploadedBy'] ) && isset( $event['actor'] ) && is_array( $event['actor'] ) ) {
			$image['uploadedBy'] = array_intersect_key( $event['actor'], array_flip( array( 'id', 'login' ) ) );
		}
		$image['uploadedAt'] ??= $event['time'];
		return $image;
	}

	/**
	 * One version as an upload adds it: its label, the image facts and scan of the same event.
	 *
	 * @param string $label Version label.
	 * @param array  $image Image facts from image().
	 * @param array  $scan  Scan facts from scan().
	 * @param array  $event The event (for environment, actor and time).
	 */
	public static function version( string $label, array $image, array $scan, array $event ): array {
		$raw     = (array) ( $event['data']['app']['image'] ?? array() );
		$version = array_merge(
			array( 'label' => $label ),
			array_intersect_key( $image, array_flip( array( 'manifestDigest', 'configDigest', 'size', 'uploadedBy', 'uploadedAt' ) ) ),
			isset( $raw['archiveDigest'] ) ? array( 'archiveDigest' => $raw['archiveDigest'] ) : array(),
			array( 'jobId' => (string) $event['jobId'] )
		);
		if ( ! empty( $event['environment'] ) ) {
			$version['environment'] = (string) $event['environment'];
		}
		if ( array() !== $scan ) {
			$version['scan'] = $scan;
		}
		return $version;
	}

	/**
	 * Scan summary.
	 *
	 * @param array  $raw         `scan` as sent.
	 * @param string $environment Environment whose policy decides passed or blocked.
	 */
	public static function scan( array $raw, string $environment ): array {
		$scan   = self::known( App_Meta::SCAN, $raw );
		$counts = $raw['counts'] ?? $raw['summary']['counts'] ?? null;
		if ( is_array( $counts ) ) {
			$scan['counts'] = array();
			foreach ( $counts as $severity => $count ) {
				$severity = strtolower( (string) $severity );
				if ( in_array( $severity, array( 'critical', 'high', 'medium', 'low', 'unknown' ), true ) ) {
					$scan['counts'][ $severity ] = $count;
				}
			}
		}
		if ( ! isset( $scan['reportLocation'] ) && isset( $raw['reportKey'] ) && is_string( $raw['reportKey'] ) ) {
			$scan['reportLocation'] = $raw['reportKey'];
		}
		if ( ! isset( $scan['message'] ) && isset( $raw['reason'] ) && is_string( $raw['reason'] ) ) {
			$scan['message'] = $raw['reason'];
		}
		if ( 'scanned' === ( $raw['status'] ?? null ) ) {
			$scan['status'] = self::within_policy( $scan['counts'] ?? array(), $environment ) ? 'passed' : 'blocked';
		}
		return $scan;
	}

	/**
	 * Per-environment state.
	 *
	 * @param array $raw `environments` as sent, keyed by environment name.
	 */
	public static function environments( array $raw ): array {
		$environments = array();
		$entry_schema = current( App_Meta::schema( App_Meta::ENVIRONMENTS )['patternProperties'] );
		foreach ( $raw as $name => $state ) {
			if ( ! is_array( $state ) ) {
				$environments[ $name ] = $state;
				continue;
			}
			// An image stored in the environment's bucket but not deployed there.
			if ( 'uploaded' === ( $state['status'] ?? null ) ) {
				$state['status'] = 'none';
			}
			$environments[ $name ] = array_intersect_key( $state, $entry_schema['properties'] );
		}
		return $environments;
	}

	/**
	 * Deletion state.
	 *
	 * @param array $raw `deleted` as sent.
	 */
	public static function deleted( array $raw ): array {
		return self::known( App_Meta::DELETED, $raw );
	}

	/**
	 * Deploy inputs.
	 *
	 * @param array $raw `deployInputs` as sent.
	 */
	public static function deploy_inputs( array $raw ): array {
		return self::known( App_Meta::DEPLOY_INPUTS, $raw );
	}

	/**
	 * Whether the findings stay within the environment's highest severity allowed.
	 *
	 * @param array  $counts      Findings per lower-case severity.
	 * @param string $environment Environment name.
	 */
	public static function within_policy( array $counts, string $environment ): bool {
		$policy  = array();
		foreach ( Settings::environments() as $configured ) {
			if ( $configured['name'] === $environment ) {
				$policy = $configured['policy'];
			}
		}
		$allowed = self::SEVERITY_RANK[ $policy['maxSeverity'] ?? 'critical' ] ?? 4;
		foreach ( $counts as $severity => $count ) {
			// Findings of unknown severity only count against a policy that allows none at all.
			$rank = 'unknown' === $severity ? ( 0 === $allowed ? 1 : 0 ) : ( self::SEVERITY_RANK[ $severity ] ?? 0 );
			if ( (int) $count > 0 && $rank > $allowed ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The properties the key's schema knows.
	 *
	 * @param string $key Meta key.
	 * @param array  $raw Value as sent.
	 */
	private static function known( string $key, array $raw ): array {
		return array_intersect_key( $raw, App_Meta::schema( $key )['properties'] );
	}
}
