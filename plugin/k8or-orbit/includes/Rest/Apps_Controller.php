<?php
/**
 * GET /apps and GET /apps/{id}: the catalog.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Content\Catalog_Query;
use K8or\Orbit\Content\Category_Taxonomy;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;
use WP_Error;
use WP_Post;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Lists and shows apps. Visitors see published, not deleted apps and public fields only;
 * users with orbit_read_jobs also see drafts, deleted apps and the private fields.
 */
final class Apps_Controller extends Controller {

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => $this->get_collection_params(),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>[\d]+)',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
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
	 * Anyone may list; only readers of jobs may ask for deleted apps.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|WP_Error
	 */
	public function get_items_permissions_check( $request ) {
		if ( $request['include_deleted'] ) {
			return $this->require_any( Capabilities::READ_JOBS );
		}
		return true;
	}

	/**
	 * Anyone may ask; get_item() answers 404 for what the user may not see.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool
	 */
	public function get_item_permissions_check( $request ) {
		return true;
	}

	/**
	 * Lists apps.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_items( $request ) {
		$per_page = (int) $request['per_page'];
		$page     = (int) $request['page'];
		$query    = Catalog_Query::run(
			array(
				'search'             => (string) ( $request['search'] ?? '' ),
				'name'               => (string) ( $request['name'] ?? '' ),
				'category'           => (string) ( $request['category'] ?? '' ),
				'scan_status'        => (string) ( $request['scan_status'] ?? '' ),
				'environment'        => (string) ( $request['environment'] ?? '' ),
				'environment_status' => (string) ( $request['environment_status'] ?? '' ),
				'include_deleted'    => (bool) $request['include_deleted'],
				'deleted_only'       => (bool) $request['deleted'],
				'orderby'            => (string) ( $request['orderby'] ?? '' ),
				'order'              => $request['order'],
				'per_page'           => $per_page,
				'page'               => $page,
			),
			current_user_can( Capabilities::READ_JOBS )
		);

		$total = (int) $query->found_posts;
		$pages = (int) ceil( $total / $per_page );
		if ( $page > 1 && $page > $pages ) {
			return new WP_Error(
				'rest_invalid_page_number',
				__( 'The page number is larger than the number of pages; go back to page 1.', 'k8or-orbit' ),
				array( 'status' => 400 )
			);
		}

		$items = array();
		foreach ( $query->posts as $post ) {
			$items[] = $this->prepare_response_for_collection( $this->prepare_item_for_response( $post, $request ) );
		}
		$response = rest_ensure_response( $items );
		$response->header( 'X-WP-Total', (string) $total );
		$response->header( 'X-WP-TotalPages', (string) $pages );
		return $response;
	}

	/**
	 * Shows one app.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_item( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		return $this->prepare_item_for_response( $post, $request );
	}

	/**
	 * The app as the current user may see it.
	 *
	 * @param WP_Post         $item    App post.
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function prepare_item_for_response( $item, $request ) {
		$post    = $item;
		$context = current_user_can( Capabilities::READ_JOBS ) ? 'edit' : 'view';
		$terms   = get_the_terms( $post, Category_Taxonomy::NAME );
		$data    = array(
			'id'           => $post->ID,
			'name'         => App_Post_Type::app_name( $post ),
			'title'        => get_the_title( $post ),
			'excerpt'      => wp_strip_all_tags( get_the_excerpt( $post ) ),
			'link'         => get_permalink( $post ),
			'status'       => $post->post_status,
			'date'         => mysql_to_rfc3339( $post->post_date_gmt ),
			'modified'     => mysql_to_rfc3339( $post->post_modified_gmt ),
			'categories'   => array_map(
				fn( $term ) => array(
					'id'   => $term->term_id,
					'name' => $term->name,
					'slug' => $term->slug,
				),
				is_array( $terms ) ? $terms : array()
			),
			'image'        => App_Meta::read( $post->ID, App_Meta::IMAGE ),
			'scan'         => App_Meta::read( $post->ID, App_Meta::SCAN ),
			'verdicts'     => App_Meta::read( $post->ID, App_Meta::VERDICTS ),
			'environments' => App_Meta::read( $post->ID, App_Meta::ENVIRONMENTS ),
			'deleted'      => App_Meta::read( $post->ID, App_Meta::DELETED ),
		);
		$data = $this->filter_response_by_context( $data, $context );
		// Empty objects stay objects in JSON.
		foreach ( array( 'image', 'scan', 'verdicts', 'environments', 'deleted' ) as $key ) {
			if ( array_key_exists( $key, $data ) && array() === $data[ $key ] ) {
				$data[ $key ] = (object) array();
			}
		}
		$response = rest_ensure_response( $data );
		$response->add_link( 'self', rest_url( sprintf( '%s/%s/%d', $this->namespace, $this->rest_base, $post->ID ) ) );
		return $response;
	}

	/**
	 * The app schema.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-app',
			'type'       => 'object',
			'properties' => array(
				'id'           => array(
					'description' => __( 'App (post) id.', 'k8or-orbit' ),
					'type'        => 'integer',
					'context'     => $both,
					'readonly'    => true,
				),
				'name'         => array(
					'description' => __( 'App name: a DNS label, also the page slug.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $both,
					'readonly'    => true,
				),
				'title'        => array(
					'description' => __( 'Title of the catalog page.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $both,
					'readonly'    => true,
				),
				'excerpt'      => array(
					'description' => __( 'Short description.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $both,
					'readonly'    => true,
				),
				'link'         => array(
					'description' => __( 'URL of the catalog page.', 'k8or-orbit' ),
					'type'        => 'string',
					'format'      => 'uri',
					'context'     => $both,
					'readonly'    => true,
				),
				'status'       => array(
					'description' => __( 'Post status.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => array( 'edit' ),
					'readonly'    => true,
				),
				'date'         => array(
					'description' => __( 'Published, UTC.', 'k8or-orbit' ),
					'type'        => array( 'string', 'null' ),
					'format'      => 'date-time',
					'context'     => $both,
					'readonly'    => true,
				),
				'modified'     => array(
					'description' => __( 'Last modified, UTC.', 'k8or-orbit' ),
					'type'        => array( 'string', 'null' ),
					'format'      => 'date-time',
					'context'     => $both,
					'readonly'    => true,
				),
				'categories'   => array(
					'description' => __( 'App categories.', 'k8or-orbit' ),
					'type'        => 'array',
					'items'       => array( 'type' => 'object' ),
					'context'     => $both,
					'readonly'    => true,
				),
				'image'        => App_Meta::schema( App_Meta::IMAGE ),
				'scan'         => App_Meta::schema( App_Meta::SCAN ),
				'verdicts'     => App_Meta::schema( App_Meta::VERDICTS ),
				'environments' => App_Meta::schema( App_Meta::ENVIRONMENTS ),
				'deleted'      => App_Meta::schema( App_Meta::DELETED ),
			),
		);
	}

	/**
	 * Query parameters of the list.
	 */
	public function get_collection_params() {
		$params                        = parent::get_collection_params();
		$params['search']['maxLength'] = 200;
		return array_merge(
			$params,
			array(
				'name'               => array(
					'description' => __( 'Only the app with this app name (its slug).', 'k8or-orbit' ),
					'type'        => 'string',
					'pattern'     => Contract::pattern( 'appName' ),
				),
				'category'           => array(
					'description' => __( 'Only apps in this category (slug).', 'k8or-orbit' ),
					'type'        => 'string',
					'maxLength'   => 200,
				),
				'environment'        => array(
					'description' => __( 'Only apps with a state in this environment.', 'k8or-orbit' ),
					'type'        => 'string',
					'enum'        => Settings::environment_names(),
				),
				'environment_status' => array(
					'description' => __( 'Only apps with this status in an environment (in `environment` when given).', 'k8or-orbit' ),
					'type'        => 'string',
					'enum'        => array_values( array_diff( App_Meta::ENVIRONMENT_STATUSES, array( 'none' ) ) ),
				),
				'scan_status'        => array(
					'description' => __( 'Only apps whose latest scan has this status.', 'k8or-orbit' ),
					'type'        => 'string',
					'enum'        => App_Meta::SCAN_STATUSES,
				),
				'orderby'            => array(
					'description' => __( 'Sort by; by default the date, or the best match when searching.', 'k8or-orbit' ),
					'type'        => 'string',
					'enum'        => Catalog_Query::ORDERBY,
				),
				'order'              => array(
					'description' => __( 'Sort direction.', 'k8or-orbit' ),
					'type'        => 'string',
					'enum'        => array( 'asc', 'desc' ),
					'default'     => 'desc',
				),
				'include_deleted'    => array(
					'description' => __( 'Also list deleted apps (needs orbit_read_jobs).', 'k8or-orbit' ),
					'type'        => 'boolean',
					'default'     => false,
				),
				'deleted'            => array(
					'description' => __( 'With include_deleted: list only the deleted apps.', 'k8or-orbit' ),
					'type'        => 'boolean',
					'default'     => false,
				),
			)
		);
	}
}
