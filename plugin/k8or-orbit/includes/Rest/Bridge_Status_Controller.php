<?php
/**
 * GET /bridge/status: whether WordPress can reach the bridge with a signed ping.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Config;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Reports the result of GET /v1/ping, signed, for operators and administrators.
 */
final class Bridge_Status_Controller extends Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'bridge/status';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * For users who see jobs or manage settings.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS, Capabilities::MANAGE_SETTINGS );
	}

	/**
	 * Pings the bridge.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function get_item( $request ) {
		return rest_ensure_response( array_merge( array( 'bridgeUrl' => Config::bridge_url() ), $this->bridge()->ping() ) );
	}

	/**
	 * The answer schema.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-bridge-status',
			'type'       => 'object',
			'properties' => array(
				'bridgeUrl' => array(
					'type'     => 'string',
					'context'  => $both,
					'readonly' => true,
				),
				'connected' => array(
					'type'     => 'boolean',
					'context'  => $both,
					'readonly' => true,
				),
				'version'   => array(
					'type'     => 'string',
					'context'  => $both,
					'readonly' => true,
				),
				'latencyMs' => array(
					'type'     => 'integer',
					'context'  => $both,
					'readonly' => true,
				),
				'message'   => array(
					'description' => __( 'Why the bridge is not connected and what to do.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $both,
					'readonly'    => true,
				),
			),
		);
	}
}
