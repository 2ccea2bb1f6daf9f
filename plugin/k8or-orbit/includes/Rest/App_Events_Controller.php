<?php
/**
 * /apps/{id}/events: the event log of one app.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Post_Type;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Reads an app's events from the bridge, newest first, a page at a time.
 */
final class App_Events_Controller extends Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps/(?P<id>[\d]+)/events';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array_merge( array( 'id' => $this->app_id_arg() ), $this->event_page_args() ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * The event log is for users with orbit_read_jobs.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function get_items_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * A page of the app's events.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_items( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		return $this->relay( $this->bridge()->request( 'GET', '/v1/apps/' . App_Post_Type::app_name( $post ) . '/events' . $this->event_page_query( $request ) ), $this->get_item_schema() );
	}

	/**
	 * The page schema.
	 */
	protected function build_schema(): array {
		return $this->event_page_schema( 'orbit-app-events' );
	}
}
