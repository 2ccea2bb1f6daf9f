<?php
/**
 * GET /apps/{id}/versions: the uploaded versions of an app.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Lists an app's versions, newest first (the newest is the app's current image). Anyone who may see
 * the app sees the public fields; users with orbit_read_jobs also see who uploaded and which job.
 */
final class Versions_Controller extends Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps/(?P<id>[\d]+)/versions';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array(
						'id'      => $this->app_id_arg(),
						'context' => $this->get_context_param( array( 'default' => 'view' ) ),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Anyone may ask, as for the app itself; get_items() answers 404 for an app the user may not see.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool
	 */
	public function get_items_permissions_check( $request ) {
		return true;
	}

	/**
	 * The versions, newest first.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_items( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$context = current_user_can( Capabilities::READ_JOBS ) ? 'edit' : 'view';
		$items   = array();
		foreach ( App_Meta::versions( $post->ID ) as $version ) {
			$items[] = $this->filter_response_by_context( $version, $context );
		}
		$response = rest_ensure_response( $items );
		$response->header( 'X-WP-Total', (string) count( $items ) );
		return $response;
	}

	/**
	 * One version: the entry schema of the versions meta.
	 */
	protected function build_schema(): array {
		$entry = current( App_Meta::schema( App_Meta::VERSIONS )['patternProperties'] );
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-app-version',
			),
			$entry
		);
	}
}
