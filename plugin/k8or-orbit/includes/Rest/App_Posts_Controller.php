<?php
/**
 * wp/v2/orbit_app: core's posts controller with the app rules the block editor and every wp/v2
 * client must follow.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;
use WP_Error;
use WP_Post;
use WP_REST_Posts_Controller;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Checks the post, not the route, so that every spelling of the route (WordPress matches routes
 * case-insensitively) gets the same answer:
 * - a deleted app does not exist for users without orbit_read_jobs;
 * - the app name (slug) cannot be changed;
 * - the Orbit facts of a password-protected app stay hidden until the password is given;
 * - operator-only fields need orbit_read_jobs, whatever context edit rights allow.
 */
final class App_Posts_Controller extends WP_REST_Posts_Controller {

	/**
	 * The post, or 404 for a deleted app the user may not see.
	 *
	 * @param int $id Post id.
	 * @return WP_Post|WP_Error
	 */
	protected function get_post( $id ) {
		$post = parent::get_post( $id );
		if ( $post instanceof WP_Post && App_Meta::is_deleted( $post->ID ) && ! current_user_can( Capabilities::READ_JOBS ) ) {
			return new WP_Error( 'rest_post_invalid_id', __( 'No app with this id.', 'k8or-orbit' ), array( 'status' => 404 ) );
		}
		return $post;
	}

	/**
	 * The post to save, refusing a new app name.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return \stdClass|WP_Error
	 */
	protected function prepare_item_for_database( $request ) {
		$prepared = parent::prepare_item_for_database( $request );
		if ( is_wp_error( $prepared ) || empty( $prepared->ID ) || ! isset( $prepared->post_name ) ) {
			return $prepared;
		}
		$stored = get_post( (int) $prepared->ID );
		if ( $stored instanceof WP_Post && $stored->post_name !== $prepared->post_name ) {
			return new WP_Error(
				'orbit_app_name_immutable',
				/* translators: %s: the app name. */
				sprintf( __( 'The app name (slug) "%s" cannot be changed: images, scans and deployments are filed under it. Change the title instead.', 'k8or-orbit' ), $stored->post_name ),
				array( 'status' => 400 )
			);
		}
		return $prepared;
	}

	/**
	 * The post as core shows it, less the Orbit facts the user may not see.
	 *
	 * @param WP_Post         $item    Post.
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function prepare_item_for_response( $item, $request ) {
		$response = parent::prepare_item_for_response( $item, $request );
		$data     = $response->get_data();
		if ( ! is_array( $data ) || ! isset( $data['meta'] ) || ! is_array( $data['meta'] ) ) {
			return $response;
		}
		if ( ! $this->may_read_protected_facts( $item, $request ) ) {
			$data['meta'] = array_diff_key( $data['meta'], array_flip( App_Meta::keys() ) );
		} elseif ( ! current_user_can( Capabilities::READ_JOBS ) ) {
			$schema       = $this->get_item_schema();
			$data['meta'] = rest_filter_response_by_context( $data['meta'], $schema['properties']['meta'], 'view' );
		}
		$response->set_data( $data );
		return $response;
	}

	/**
	 * Whether the user may read what a password protects: no password is needed, the request
	 * carries the right one, or the user may edit the app (and so knows it).
	 *
	 * @param WP_Post         $post    Post.
	 * @param WP_REST_Request $request Request.
	 */
	private function may_read_protected_facts( WP_Post $post, WP_REST_Request $request ): bool {
		if ( ! post_password_required( $post ) ) {
			return true;
		}
		if ( ! empty( $request['password'] ) && hash_equals( $post->post_password, (string) $request['password'] ) ) {
			return true;
		}
		return current_user_can( 'edit_post', $post->ID );
	}
}
