<?php
/**
 * The `orbit_app` post type: one catalog page per application.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Content;

use K8or\Orbit\Access\Capabilities;
use WP_Post;
use WP_Query;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the post type and hides deleted apps from visitors.
 */
final class App_Post_Type {

	public const NAME = 'orbit_app';

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'init', array( $this, 'register' ) );
		add_action( 'pre_get_posts', array( $this, 'hide_deleted_from_visitors' ) );
		add_filter( 'rest_' . self::NAME . '_query', array( $this, 'hide_deleted_from_rest' ) );
		add_filter( 'rest_request_before_callbacks', array( $this, 'hide_deleted_item_from_rest' ), 10, 3 );
		add_filter( 'posts_search', array( $this, 'search_app_names' ), 10, 2 );
	}

	/**
	 * Registers the post type.
	 */
	public function register(): void {
		register_post_type(
			self::NAME,
			array(
				'labels'       => array(
					'name'               => __( 'Apps', 'k8or-orbit' ),
					'singular_name'      => __( 'App', 'k8or-orbit' ),
					'add_new_item'       => __( 'Add New App', 'k8or-orbit' ),
					'edit_item'          => __( 'Edit App', 'k8or-orbit' ),
					'view_item'          => __( 'View App', 'k8or-orbit' ),
					'search_items'       => __( 'Search Apps', 'k8or-orbit' ),
					'not_found'          => __( 'No apps found.', 'k8or-orbit' ),
					'not_found_in_trash' => __( 'No apps found in Trash.', 'k8or-orbit' ),
					'all_items'          => __( 'All Apps', 'k8or-orbit' ),
				),
				'public'       => true,
				'show_in_rest' => true,
				'has_archive'  => 'apps',
				'rewrite'      => array(
					'slug'       => 'apps',
					'with_front' => false,
				),
				'menu_icon'    => 'dashicons-cloud',
				'supports'     => array( 'title', 'editor', 'excerpt', 'thumbnail', 'revisions', 'custom-fields' ),
				'map_meta_cap' => true,
			)
		);
	}

	/**
	 * Keeps deleted apps out of the front-end archive, search and single pages for visitors.
	 *
	 * @param WP_Query $query The query being prepared.
	 */
	public function hide_deleted_from_visitors( WP_Query $query ): void {
		if ( is_admin() || ! $query->is_main_query() || current_user_can( Capabilities::READ_JOBS ) ) {
			return;
		}
		$post_type = (array) $query->get( 'post_type' );
		if ( ! in_array( self::NAME, $post_type, true ) && ! $query->is_search() && ! $query->is_tax( Category_Taxonomy::NAME ) ) {
			return;
		}
		$meta_query   = (array) $query->get( 'meta_query' );
		$meta_query[] = App_Meta::not_deleted_clause();
		$query->set( 'meta_query', $meta_query );
	}

	/**
	 * Keeps deleted apps out of wp/v2 lists for users who may not see them.
	 *
	 * @param array $args WP_Query arguments of the wp/v2 collection.
	 */
	public function hide_deleted_from_rest( array $args ): array {
		if ( ! current_user_can( Capabilities::READ_JOBS ) ) {
			$args['meta_query']   = isset( $args['meta_query'] ) ? (array) $args['meta_query'] : array(); // phpcs:ignore WordPress.DB.SlowDBQuery
			$args['meta_query'][] = App_Meta::not_deleted_clause();
		}
		return $args;
	}

	/**
	 * Answers 404 for a deleted app read through wp/v2 by someone who may not see deleted apps.
	 *
	 * @param \WP_REST_Response|\WP_HTTP_Response|\WP_Error|mixed $response Result so far.
	 * @param array                                            $handler  Route handler.
	 * @param \WP_REST_Request                                 $request  Request.
	 * @return mixed
	 */
	public function hide_deleted_item_from_rest( $response, $handler, $request ) {
		if ( is_wp_error( $response ) || 'GET' !== $request->get_method() || current_user_can( Capabilities::READ_JOBS ) ) {
			return $response;
		}
		$base = get_post_type_object( self::NAME )->rest_base ?: self::NAME;
		if ( preg_match( '#^/wp/v2/' . preg_quote( $base, '#' ) . '/(\d+)$#', $request->get_route(), $matches ) && App_Meta::is_deleted( (int) $matches[1] ) ) {
			return new \WP_Error( 'rest_post_invalid_id', __( 'No app with this id.', 'k8or-orbit' ), array( 'status' => 404 ) );
		}
		return $response;
	}

	/**
	 * The app name (the post slug) of a post.
	 *
	 * @param WP_Post $post An orbit_app post.
	 */
	public static function app_name( WP_Post $post ): string {
		return $post->post_name;
	}

	/**
	 * Searching apps also matches their app names (the slug, e.g. "status-board"): that is the
	 * name people see on images and deployments.
	 *
	 * @param string   $search SQL the search adds to the query, starting with " AND ".
	 * @param WP_Query $query  The query.
	 * @return string
	 */
	public function search_app_names( $search, $query ) {
		global $wpdb;
		$term = trim( (string) $query->get( 's' ) );
		if ( '' === $search || '' === $term || self::NAME !== $query->get( 'post_type' ) ) {
			return $search;
		}
		$name = sanitize_title( $term );
		if ( '' === $name ) {
			return $search;
		}
		$original = preg_replace( '/^\s*AND\s*/', '', $search );
		return $wpdb->prepare(
			" AND ( {$original} OR {$wpdb->posts}.post_name LIKE %s ) ", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $original is core's own prepared search SQL.
			'%' . $wpdb->esc_like( $name ) . '%'
		);
	}

	/**
	 * Finds the app post by its app name, whatever its status.
	 *
	 * @param string $name App name.
	 */
	public static function find_by_name( string $name ): ?WP_Post {
		$posts = get_posts(
			array(
				'post_type'        => self::NAME,
				'name'             => $name,
				'post_status'      => array( 'publish', 'draft', 'pending', 'private', 'future', 'trash' ),
				'numberposts'      => 1,
				'suppress_filters' => true,
			)
		);
		return $posts[0] ?? null;
	}
}
