<?php
/**
 * GET /live: how the browser subscribes to live job progress.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Config;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Hands the NATS websocket URL and the subscribe-only credentials to users with orbit_read_jobs.
 */
final class Live_Controller extends Controller {

	public const SUBJECT = 'orbit.events.>';

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'live';
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
	 * Only users who may see jobs get the credentials.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * The connection details.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_item( $request ) {
		$url = Config::get( 'natsWebsocketUrl' );
		if ( '' === $url ) {
			return new WP_Error(
				'orbit_live_not_configured',
				__( 'Live progress is not set up: define K8OR_ORBIT_NATS_WEBSOCKET_URL (and the live user and password) in wp-config.php or on Orbit → Settings.', 'k8or-orbit' ),
				array( 'status' => 503 )
			);
		}
		$response = rest_ensure_response(
			array(
				'websocketUrl' => $url,
				'user'         => Config::get( 'natsLiveUser' ),
				'password'     => Config::get( 'natsLivePassword' ),
				'subject'      => self::SUBJECT,
			)
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * The answer schema.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		$text = fn( string $description ) => array(
			'description' => $description,
			'type'        => 'string',
			'context'     => $both,
			'readonly'    => true,
		);
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-live',
			'type'       => 'object',
			'properties' => array(
				'websocketUrl' => $text( __( 'NATS websocket URL.', 'k8or-orbit' ) ),
				'user'         => $text( __( 'Subscribe-only NATS user.', 'k8or-orbit' ) ),
				'password'     => $text( __( 'Its password.', 'k8or-orbit' ) ),
				'subject'      => $text( __( 'Subject to subscribe to.', 'k8or-orbit' ) ),
			),
		);
	}
}
