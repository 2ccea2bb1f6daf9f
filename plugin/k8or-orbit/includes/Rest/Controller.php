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
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;
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

	/** Longest manifest file relayed. */
	protected const MAX_FILE_BYTES = 1048576;

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
	 * A response from a bridge answer, holding only what the answer's schema describes: unknown
	 * properties are dropped and the rest must match, so that nothing the bridge (or whoever
	 * answers in its place) adds reaches the browser unchecked.
	 *
	 * @param array{status: int, body: mixed}|WP_Error $answer Answer of Client::request() (a 2xx; the client turns the rest into errors).
	 * @param array                                    $schema Schema of the answer's body.
	 * @return WP_REST_Response|WP_Error
	 */
	protected function relay( $answer, array $schema ) {
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		if ( null === $answer['body'] ) {
			return new WP_REST_Response( null, $answer['status'] );
		}
		$body = self::conform( $answer['body'], $schema );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		return new WP_REST_Response( $body, $answer['status'] );
	}

	/**
	 * A bridge answer body reduced to its schema and checked against it.
	 *
	 * @param mixed $body   Decoded answer body.
	 * @param array $schema Its schema; every object in it lists its properties.
	 * @return mixed|WP_Error The body, or a 502 error when it does not match.
	 */
	private static function conform( $body, array $schema ) {
		$sanitized = rest_sanitize_value_from_schema( $body, $schema, 'body' );
		$valid     = is_wp_error( $sanitized ) ? $sanitized : rest_validate_value_from_schema( $sanitized, $schema, 'body' );
		if ( is_wp_error( $valid ) ) {
			return new WP_Error(
				'orbit_bridge_unexpected_answer',
				sprintf(
					/* translators: %s: what did not match. */
					__( 'The bridge answered in a shape Orbit does not know (%s), so nothing was passed on. Check that the bridge and the plugin are the same version.', 'k8or-orbit' ),
					$valid->get_error_message()
				),
				array( 'status' => 502 )
			);
		}
		return $sanitized;
	}

	/**
	 * An object schema that keeps only the listed properties, shown in both contexts and read-only.
	 *
	 * @param array        $properties Property schemas.
	 * @param list<string> $required   Properties that must be present.
	 */
	protected static function answer_object( array $properties, array $required = array() ): array {
		$schema = array(
			'type'                 => 'object',
			'context'              => array( 'view', 'edit' ),
			'readonly'             => true,
			'properties'           => $properties,
			'additionalProperties' => false,
		);
		if ( array() !== $required ) {
			$schema['required'] = $required;
		}
		return $schema;
	}

	/**
	 * A bounded string in an answer.
	 *
	 * @param int   $max_length Longest accepted.
	 * @param array $more       More keywords (pattern, enum, format, type with null).
	 */
	protected static function answer_string( int $max_length = 200, array $more = array() ): array {
		return array_merge(
			array(
				'type'      => 'string',
				'maxLength' => $max_length,
				'context'   => array( 'view', 'edit' ),
				'readonly'  => true,
			),
			$more
		);
	}

	/**
	 * A non-negative integer in an answer.
	 */
	protected static function answer_count(): array {
		return array(
			'type'     => 'integer',
			'minimum'  => 0,
			'context'  => array( 'view', 'edit' ),
			'readonly' => true,
		);
	}

	/**
	 * A boolean in an answer.
	 */
	protected static function answer_boolean(): array {
		return array(
			'type'     => 'boolean',
			'context'  => array( 'view', 'edit' ),
			'readonly' => true,
		);
	}

	/**
	 * An image as deploys name it: reference with digest, digest, config digest.
	 */
	protected static function image_reference_schema(): array {
		return self::answer_object(
			array(
				'reference'    => self::answer_string( 512 ),
				'digest'       => self::answer_string( 71, array( 'pattern' => '^sha256:[a-f0-9]{64}$' ) ),
				'configDigest' => self::answer_string( 71, array( 'pattern' => '^sha256:[a-f0-9]{64}$' ) ),
			)
		);
	}

	/**
	 * Rendered manifests: YAML text by file name.
	 */
	protected static function files_schema(): array {
		return array_merge(
			self::answer_object( array() ),
			array( 'patternProperties' => array( '^[A-Za-z0-9._-]{1,128}$' => self::answer_string( self::MAX_FILE_BYTES ) ) )
		);
	}

	/**
	 * One job event as the bridge records it (see docs/architecture.md, "Events").
	 */
	protected static function event_schema(): array {
		return self::answer_object(
			array(
				'jobId'       => self::answer_string( 128, array( 'pattern' => '^[A-Za-z0-9._:-]{1,128}$' ) ),
				'seq'         => self::answer_count(),
				'name'        => self::answer_string( 64, array( 'pattern' => '^[a-z0-9-]{1,64}$' ) ),
				'step'        => self::answer_string( 64 ),
				'outcome'     => self::answer_string( 16, array( 'enum' => array( 'started', 'succeeded', 'failed' ) ) ),
				'appName'     => self::answer_string( 63, array( 'pattern' => Contract::pattern( 'appName' ) ) ),
				'environment' => self::answer_string( 63, array( 'type' => array( 'string', 'null' ) ) ),
				'actor'       => self::answer_object(
					array(
						'id'    => self::answer_count(),
						'login' => self::answer_string( 60 ),
					)
				),
				'time'        => self::answer_string( 40, array( 'format' => 'date-time' ) ),
				'message'     => self::answer_string( 4000 ),
				// The facts differ per event; the contract of each event names them.
				'data'        => array(
					'type'     => 'object',
					'context'  => array( 'view', 'edit' ),
					'readonly' => true,
				),
			),
			array( 'jobId', 'seq', 'name', 'appName', 'time' )
		);
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
		$items                = self::answer_array( self::event_schema(), 100 );
		$items['description'] = __( 'Events, newest first.', 'k8or-orbit' );
		$next                 = self::answer_string( 2048, array( 'type' => array( 'string', 'null' ) ) );
		$next['description']  = __( 'Cursor of the next page, null on the last page.', 'k8or-orbit' );
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => $title,
			),
			self::answer_object(
				array(
					'items'      => $items,
					'nextCursor' => $next,
				),
				array( 'items' )
			)
		);
	}

	/**
	 * A bounded list in an answer.
	 *
	 * @param array $items     Schema of each item.
	 * @param int   $max_items Most items accepted.
	 */
	protected static function answer_array( array $items, int $max_items ): array {
		return array(
			'type'     => 'array',
			'maxItems' => $max_items,
			'items'    => $items,
			'context'  => array( 'view', 'edit' ),
			'readonly' => true,
		);
	}
}
