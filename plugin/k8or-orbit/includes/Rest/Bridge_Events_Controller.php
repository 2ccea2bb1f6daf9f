<?php
/**
 * POST /bridge/events: signed callbacks from the bridge.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Bridge\Event_Applier;
use K8or\Orbit\Bridge\Request_Id_Store;
use K8or\Orbit\Bridge\Signature;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Accepts events only with a valid signature over the raw body and a request id not seen before.
 * The body is validated after the signature, so nothing unauthenticated is parsed for meaning.
 */
final class Bridge_Events_Controller extends Controller {

	/** Largest callback body accepted. */
	private const MAX_BODY_BYTES = 4 * MB_IN_BYTES;

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'bridge/events';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Verifies the signature, then claims the request id.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|WP_Error
	 */
	public function create_item_permissions_check( $request ) {
		$body = $request->get_body();
		if ( strlen( $body ) > self::MAX_BODY_BYTES ) {
			return new WP_Error( 'orbit_events_too_large', __( 'The callback body is larger than 4 MiB; send the events in smaller batches.', 'k8or-orbit' ), array( 'status' => 413 ) );
		}
		$headers = array(
			Signature::HEADER_TIMESTAMP  => (string) $request->get_header( 'x_orbit_timestamp' ),
			Signature::HEADER_REQUEST_ID => (string) $request->get_header( 'x_orbit_request_id' ),
			Signature::HEADER_SIGNATURE  => (string) $request->get_header( 'x_orbit_signature' ),
		);
		$now      = time();
		$verified = Signature::verify( Config::bridge_secret(), $request->get_method(), $request->get_route(), $headers, $body, $now );
		if ( is_wp_error( $verified ) ) {
			return $verified;
		}
		if ( ! Request_Id_Store::claim( Signature::request_id( $headers ), $now ) ) {
			return new WP_Error(
				'orbit_signature_replayed',
				__( 'This request id was used before; every callback needs a fresh X-Orbit-Request-Id.', 'k8or-orbit' ),
				array( 'status' => 401 )
			);
		}
		return true;
	}

	/**
	 * Applies the events.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function create_item( $request ) {
		$body = json_decode( $request->get_body(), true );
		if ( ! is_array( $body ) ) {
			return new WP_Error( 'orbit_invalid_events', __( 'The callback body must be JSON: {"events": [...]}.', 'k8or-orbit' ), array( 'status' => 400 ) );
		}
		$result = ( new Event_Applier() )->apply_all( $body );
		return is_wp_error( $result ) ? $result : rest_ensure_response( $result );
	}

	/**
	 * The answer schema.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-bridge-events-result',
			'type'       => 'object',
			'properties' => array(
				'applied'    => array(
					'description' => __( 'Events applied now.', 'k8or-orbit' ),
					'type'        => 'integer',
					'context'     => $both,
					'readonly'    => true,
				),
				'duplicates' => array(
					'description' => __( 'Events applied before and skipped.', 'k8or-orbit' ),
					'type'        => 'integer',
					'context'     => $both,
					'readonly'    => true,
				),
				'app'        => array(
					'description' => __( 'The app the events concern, null when it has no page yet.', 'k8or-orbit' ),
					'type'        => array( 'object', 'null' ),
					'context'     => $both,
					'readonly'    => true,
				),
			),
		);
	}
}
