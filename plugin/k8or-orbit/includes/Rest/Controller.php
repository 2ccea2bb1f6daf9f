<?php
/**
 * What every Orbit REST controller shares.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Client;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use WP_Error;
use WP_Post;
use WP_REST_Controller;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Namespace, capability checks, the bridge client and app lookups.
 */
abstract class Controller extends WP_REST_Controller {

	public const NAMESPACE = 'k8or-orbit/v1';

	/**
	 * Creates the controller.
	 *
	 * @param Client|null $bridge Bridge client; the configured one when null.
	 */
	public function __construct( protected ?Client $bridge = null ) {
		$this->namespace = self::NAMESPACE;
	}

	/**
	 * The bridge client.
	 */
	protected function bridge(): Client {
		$this->bridge ??= Client::from_config();
		return $this->bridge;
	}

	/**
	 * True when the current user holds any of the capabilities; else 401 for visitors, 403 for users.
	 *
	 * @param string ...$capabilities Capabilities, any of which suffices.
	 * @return bool|WP_Error
	 */
	protected function require_any( string ...$capabilities ) {
		foreach ( $capabilities as $capability ) {
			if ( current_user_can( $capability ) ) {
				return true;
			}
		}
		if ( ! is_user_logged_in() ) {
			return new WP_Error(
				'rest_not_logged_in',
				__( 'Log in first: this part of Orbit is for signed-in users.', 'k8or-orbit' ),
				array( 'status' => 401 )
			);
		}
		return new WP_Error(
			'rest_forbidden',
			sprintf(
				/* translators: %s: capability names, comma-separated. */
				__( 'You are not allowed to do this: it needs one of these capabilities: %s. Ask an administrator to grant it.', 'k8or-orbit' ),
				implode( ', ', $capabilities )
			),
			array( 'status' => 403 )
		);
	}

	/**
	 * The acting user as the bridge records it.
	 *
	 * @return array{id: int, login: string}
	 */
	protected function actor(): array {
		$user = wp_get_current_user();
		return array(
			'id'    => (int) $user->ID,
			'login' => (string) $user->user_login,
		);
	}

	/**
	 * The app post named by the `id` URL parameter, if the current user may see it.
	 *
	 * @param WP_REST_Request $request Request with an `id` parameter.
	 * @return WP_Post|WP_Error
	 */
	protected function get_app( WP_REST_Request $request ) {
		$post      = get_post( (int) $request['id'] );
		$not_found = new WP_Error( 'orbit_app_not_found', __( 'No app with this id. Check the id in the apps list.', 'k8or-orbit' ), array( 'status' => 404 ) );
		if ( ! $post || App_Post_Type::NAME !== $post->post_type || 'trash' === $post->post_status ) {
			return $not_found;
		}
		if ( ! current_user_can( Capabilities::READ_JOBS ) && ( 'publish' !== $post->post_status || App_Meta::is_deleted( $post->ID ) || post_password_required( $post ) ) ) {
			return $not_found;
		}
		return $post;
	}

	/**
	 * A response from a bridge answer.
	 *
	 * @param array{status: int, body: mixed}|WP_Error $answer Answer of Client::request().
	 * @return WP_REST_Response|WP_Error
	 */
	protected function relay( $answer ) {
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new WP_REST_Response( $answer['body'], $answer['status'] );
	}

	/**
	 * Returns the item schema, built once.
	 */
	public function get_item_schema() {
		if ( ! $this->schema ) {
			$this->schema = $this->build_schema();
		}
		return $this->add_additional_fields_schema( $this->schema );
	}

	/**
	 * Builds the item schema.
	 */
	abstract protected function build_schema(): array;

	/**
	 * The URL parameter for an app id.
	 */
	protected function app_id_arg(): array {
		return array(
			'description' => __( 'App (post) id.', 'k8or-orbit' ),
			'type'        => 'integer',
			'minimum'     => 1,
			'required'    => true,
		);
	}

	/**
	 * The query parameters of event log pages.
	 */
	protected function event_page_args(): array {
		return array(
			'limit'  => array(
				'description' => __( 'Events per page.', 'k8or-orbit' ),
				'type'        => 'integer',
				'minimum'     => 1,
				'maximum'     => 100,
				'default'     => 50,
			),
			'cursor' => array(
				'description' => __( 'Cursor from nextCursor of the previous page.', 'k8or-orbit' ),
				'type'        => 'string',
				'maxLength'   => 2048,
				'pattern'     => '^[A-Za-z0-9+/=_.:-]*$',
			),
		);
	}

	/**
	 * The query string of an event log page for the bridge.
	 *
	 * @param WP_REST_Request $request Request with limit and cursor.
	 */
	protected function event_page_query( WP_REST_Request $request ): string {
		$query = array( 'limit' => (int) $request['limit'] );
		if ( ! empty( $request['cursor'] ) ) {
			$query['cursor'] = (string) $request['cursor'];
		}
		return '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 );
	}

	/**
	 * The schema of an event log page.
	 *
	 * @param string $title Schema title.
	 */
	protected function event_page_schema( string $title ): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => $title,
			'type'       => 'object',
			'properties' => array(
				'items'      => array(
					'description' => __( 'Events, newest first.', 'k8or-orbit' ),
					'type'        => 'array',
					'items'       => array( 'type' => 'object' ),
					'context'     => array( 'view', 'edit' ),
					'readonly'    => true,
				),
				'nextCursor' => array(
					'description' => __( 'Cursor of the next page, null on the last page.', 'k8or-orbit' ),
					'type'        => array( 'string', 'null' ),
					'context'     => array( 'view', 'edit' ),
					'readonly'    => true,
				),
			),
		);
	}
}
