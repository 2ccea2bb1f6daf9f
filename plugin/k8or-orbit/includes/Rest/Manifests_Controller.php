<?php
/**
 * GET /apps/{id}/manifests: the manifests of one revision in one environment (the "chart" view).
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Settings\Settings;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * The bridge keeps every revision's manifests; they hold environment values, so only readers of jobs see them.
 */
final class Manifests_Controller extends Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps/(?P<id>[\d]+)/manifests';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array(
						'id'          => $this->app_id_arg(),
						'environment' => array(
							'description' => __( 'Environment name.', 'k8or-orbit' ),
							'type'        => 'string',
							'enum'        => Settings::environment_names(),
							'required'    => true,
						),
						'revision'    => array(
							'description' => __( 'Revision number; the latest when omitted.', 'k8or-orbit' ),
							'type'        => 'integer',
							'minimum'     => 1,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Manifests carry environment values: orbit_read_jobs only.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * The files of the revision.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$query = array( 'environment' => (string) $request['environment'] );
		if ( isset( $request['revision'] ) ) {
			$query['revision'] = (int) $request['revision'];
		}
		return $this->relay(
			$this->bridge()->request( 'GET', '/v1/apps/' . App_Post_Type::app_name( $post ) . '/manifests?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) ),
			$this->get_item_schema()
		);
	}

	/**
	 * The answer schema.
	 */
	protected function build_schema(): array {
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-manifests',
			),
			self::answer_object(
				array(
					'revision' => self::answer_count(),
					'files'    => self::files_schema(),
				),
				array( 'files' )
			)
		);
	}
}
