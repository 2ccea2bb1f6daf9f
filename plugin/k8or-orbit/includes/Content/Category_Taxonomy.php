<?php
/**
 * The `orbit_category` taxonomy for apps.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Content;

use K8or\Orbit\Access\Capabilities;

defined( 'ABSPATH' ) || exit;

/**
 * Registers the hierarchical app categories.
 */
final class Category_Taxonomy {

	public const NAME = 'orbit_category';

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'init', array( $this, 'register' ) );
	}

	/**
	 * Registers the taxonomy.
	 */
	public function register(): void {
		register_taxonomy(
			self::NAME,
			App_Post_Type::NAME,
			array(
				'labels'            => array(
					'name'          => __( 'App Categories', 'k8or-orbit' ),
					'singular_name' => __( 'App Category', 'k8or-orbit' ),
					'search_items'  => __( 'Search App Categories', 'k8or-orbit' ),
					'all_items'     => __( 'All App Categories', 'k8or-orbit' ),
					'edit_item'     => __( 'Edit App Category', 'k8or-orbit' ),
					'add_new_item'  => __( 'Add New App Category', 'k8or-orbit' ),
					'parent_item'   => __( 'Parent App Category', 'k8or-orbit' ),
				),
				'hierarchical'      => true,
				'public'            => true,
				'show_in_rest'      => true,
				'show_admin_column' => true,
				// Core's default (edit_posts) would let authors and contributors file apps.
				'capabilities'      => array( 'assign_terms' => Capabilities::EDIT_APPS ),
				'rewrite'           => array(
					'slug'       => 'app-category',
					'with_front' => false,
				),
			)
		);
	}

	/**
	 * The term for a category name, created when missing.
	 *
	 * @param string $name Category name as the uploader typed it.
	 * @return int|null Term id, or null for an empty name or when the term cannot be created.
	 */
	public static function ensure_term( string $name ): ?int {
		$name = trim( wp_strip_all_tags( $name ) );
		if ( '' === $name ) {
			return null;
		}
		$term = get_term_by( 'slug', sanitize_title( $name ), self::NAME );
		if ( ! $term ) {
			$term = get_term_by( 'name', $name, self::NAME );
		}
		if ( $term ) {
			return (int) $term->term_id;
		}
		$created = wp_insert_term( mb_substr( $name, 0, 200 ), self::NAME );
		return is_wp_error( $created ) ? null : (int) $created['term_id'];
	}
}
