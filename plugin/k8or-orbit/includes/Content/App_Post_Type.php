<?php
/**
 * The `orbit_app` post type: one catalog page per application.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Content;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Rest\App_Posts_Controller;
use WP_Post;
use WP_Query;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the post type, guards app names and hides deleted apps from those who may not see them.
 */
final class App_Post_Type {

	public const NAME = 'orbit_app';

	/**
	 * A WP_Query argument that lets Orbit's own lookups see deleted apps whoever is logged in
	 * (bridge callbacks run without a user).
	 */
	public const QUERY_INCLUDE_DELETED = 'orbit_include_deleted';

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'init', array( $this, 'register' ) );
		add_action( 'pre_get_posts', array( $this, 'hide_deleted_apps' ) );
		add_filter( 'wp_insert_post_data', array( $this, 'keep_app_name' ), 10, 2 );
		add_filter( 'posts_search', array( $this, 'search_app_names' ), 10, 2 );
		add_filter( 'posts_search_orderby', array( $this, 'rank_exact_names_first' ), 10, 2 );
	}

	/**
	 * Registers the post type.
	 *
	 * App pages have their own capabilities (edit_orbit_apps, …; see Capabilities) so that the
	 * content roles do not get them with edit_posts. Nobody may create one: the bridge's events
	 * create each app page with its app name, which then never changes.
	 */
	public function register(): void {
		register_post_type(
			self::NAME,
			array(
				'labels'                => array(
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
				'public'                => true,
				'show_in_rest'          => true,
				'rest_controller_class' => App_Posts_Controller::class,
				'has_archive'           => 'apps',
				'rewrite'               => array(
					'slug'       => 'apps',
					'with_front' => false,
				),
				'menu_icon'             => 'dashicons-cloud',
				'supports'              => array( 'title', 'editor', 'excerpt', 'thumbnail', 'revisions', 'custom-fields' ),
				'capability_type'       => Capabilities::APP_POST_TYPE,
				'capabilities'          => array( 'create_posts' => 'do_not_allow' ),
				'map_meta_cap'          => true,
			)
		);
	}

	/**
	 * Keeps deleted apps out of every query (front end, wp-admin, wp/v2, search, sitemaps, Query
	 * Loop blocks) for users who may not see them. The flag QUERY_INCLUDE_DELETED opts out.
	 *
	 * @param WP_Query $query The query being prepared.
	 */
	public function hide_deleted_apps( WP_Query $query ): void {
		if ( $query->get( self::QUERY_INCLUDE_DELETED ) || ! self::may_return_apps( $query ) || current_user_can( Capabilities::READ_JOBS ) ) {
			return;
		}
		$meta_query = $query->get( 'meta_query' );
		// Wrapped so that an OR relation of the query's own clauses cannot let deleted apps through.
		$query->set(
			'meta_query', // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
			empty( $meta_query ) ? array( App_Meta::not_deleted_clause() ) : array(
				'relation' => 'AND',
				(array) $meta_query,
				App_Meta::not_deleted_clause(),
			)
		);
	}

	/**
	 * Whether a query can return app posts: it names the type, asks for any type, or searches or
	 * lists an app category without naming a type.
	 *
	 * @param WP_Query $query The query being prepared.
	 */
	private static function may_return_apps( WP_Query $query ): bool {
		$post_type = $query->get( 'post_type' );
		if ( 'any' === $post_type || in_array( self::NAME, (array) $post_type, true ) ) {
			return true;
		}
		return empty( $post_type ) && ( $query->is_search() || $query->is_tax( Category_Taxonomy::NAME ) );
	}

	/**
	 * Keeps an app's name (its slug) as it was created, whoever saves the page and however
	 * (classic editor, quick edit, code). Trashing and restoring still add and take away the
	 * "__trashed" suffix.
	 *
	 * @param array $data    Post fields about to be saved (slashed).
	 * @param array $postarr The fields asked for, with the ID of an existing post.
	 * @return array
	 */
	public function keep_app_name( $data, $postarr ) {
		if ( self::NAME !== ( $data['post_type'] ?? '' ) || empty( $postarr['ID'] ) ) {
			return $data;
		}
		$stored = get_post( (int) $postarr['ID'] );
		if ( ! $stored instanceof WP_Post || '' === $stored->post_name ) {
			return $data;
		}
		$untrashed = fn( string $name ) => preg_replace( '/__trashed$/', '', $name );
		if ( $untrashed( (string) $data['post_name'] ) !== $untrashed( $stored->post_name ) ) {
			$data['post_name'] = $stored->post_name;
		}
		return $data;
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
	 * Ranks the app whose name or title is exactly the search first: among 10 000 apps, searching
	 * "hello-web" must not list "hello-web-b9707" above "hello-web" because it is newer.
	 *
	 * @param string   $orderby ORDER BY terms core ranks a search by (title, then excerpt and content
	 *                          matches); empty when the query asks for another order, which then wins.
	 * @param WP_Query $query   The query.
	 * @return string
	 */
	public function rank_exact_names_first( $orderby, $query ) {
		global $wpdb;
		$term = trim( (string) $query->get( 's' ) );
		if ( '' === $orderby || '' === $term || self::NAME !== $query->get( 'post_type' ) ) {
			return $orderby;
		}
		$exact = $wpdb->prepare(
			"( {$wpdb->posts}.post_name = %s OR {$wpdb->posts}.post_title = %s ) DESC",
			sanitize_title( $term ),
			$term
		);
		return "{$exact}, {$orderby}";
	}

	/**
	 * Finds the app's own page by its app name, whatever its status: the page that carries the
	 * bridge's image facts (only the bridge writes them), else the published one. A page someone
	 * else made under the same slug, such as a draft, is never it.
	 *
	 * @param string $name App name.
	 */
	public static function find_by_name( string $name ): ?WP_Post {
		$candidates = get_posts(
			array(
				'post_type'                 => self::NAME,
				'name'                      => $name,
				'post_status'               => array( 'publish', 'draft', 'pending', 'private', 'future', 'trash' ),
				'numberposts'               => 20,
				'orderby'                   => 'ID',
				'order'                     => 'ASC',
				'suppress_filters'          => true,
				self::QUERY_INCLUDE_DELETED => true,
			)
		);
		foreach ( $candidates as $post ) {
			if ( metadata_exists( 'post', $post->ID, App_Meta::IMAGE ) ) {
				return $post;
			}
		}
		foreach ( $candidates as $post ) {
			if ( 'publish' === $post->post_status ) {
				return $post;
			}
		}
		return null;
	}
}
