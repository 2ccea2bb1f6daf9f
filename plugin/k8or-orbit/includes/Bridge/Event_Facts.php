<?php
/**
 * Checks the facts an event carries against the meta they are stored in.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

use K8or\Orbit\Content\App_Meta;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * The bridge sends facts in the terms the catalog stores (docs/contract.json): the image facts,
 * the ScanResult, the Verdict of each environment. Nothing is translated or decided here; a fact
 * that does not fit its meta refuses the whole batch.
 */
final class Event_Facts {

	/** Section of an event's data (or of its `app`) → the meta key that stores it. */
	public const SECTIONS = array(
		'image'        => App_Meta::IMAGE,
		'scan'         => App_Meta::SCAN,
		'verdicts'     => App_Meta::VERDICTS,
		'environments' => App_Meta::ENVIRONMENTS,
		'deleted'      => App_Meta::DELETED,
		'deployInputs' => App_Meta::DEPLOY_INPUTS,
	);

	/**
	 * One version as an upload adds it: its label, the image facts and scan of the same event.
	 *
	 * @param string $label Version label.
	 * @param array  $image Image facts, as validated.
	 * @param array  $scan  The ScanResult, as validated.
	 * @param array  $event The event (for environment, actor and time).
	 */
	public static function version( string $label, array $image, array $scan, array $event ): array {
		$version = array_merge(
			array( 'label' => $label ),
			array_intersect_key( $image, array_flip( array( 'manifestDigest', 'configDigest', 'archiveDigest', 'size', 'uploadedBy', 'uploadedAt' ) ) ),
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
	 * A section as sent, once it fits the schema of its meta key.
	 *
	 * @param string $key Meta key.
	 * @param mixed  $raw The section as sent.
	 * @return array|WP_Error
	 */
	public static function validate( string $key, $raw ) {
		$value = json_decode( (string) wp_json_encode( $raw ), true );
		if ( ! is_array( $value ) ) {
			/* translators: %s: meta key. */
			return new WP_Error( 'orbit_invalid_facts', sprintf( __( '%s: expected an object.', 'k8or-orbit' ), $key ), array( 'status' => 400 ) );
		}
		$valid = App_Meta::validate( $key, $value );
		return is_wp_error( $valid ) ? $valid : $value;
	}
}
