<?php
/**
 * The catalog query: which apps a list shows, filtered and paged.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Content;

use WP_Query;

defined( 'ABSPATH' ) || exit;

/**
 * One place for what GET /apps and the catalog block list. The public catalog holds published apps
 * that are neither deleted nor password-protected; the operators' view adds drafts, private and
 * scheduled apps and, when asked, deleted ones.
 */
final class Catalog_Query {

	public const ORDERBY = array( 'date', 'modified', 'title', 'name' );

	private const DEFAULTS = array(
		'search'             => '',
		'name'               => '',
		'category'           => '',
		'scan_status'        => '',
		'environment'        => '',
		'environment_status' => '',
		'include_deleted'    => false,
		'deleted_only'       => false,
		'orderby'            => '',
		'order'              => 'desc',
		'per_page'           => 10,
		'page'               => 1,
	);

	/**
	 * Runs the query.
	 *
	 * @param array $filters   See DEFAULTS: search text, app name, category slug, scan status,
	 *                         environment and its status, deleted apps, order, page.
	 * @param bool  $operators Whether to list as operators see the catalog (else the public catalog).
	 */
	public static function run( array $filters, bool $operators ): WP_Query {
		return new WP_Query( self::args( $filters, $operators ) );
	}

	/**
	 * The WP_Query arguments.
	 *
	 * @param array $filters   See run().
	 * @param bool  $operators See run().
	 */
	public static function args( array $filters, bool $operators ): array {
		$filters    = array_merge( self::DEFAULTS, array_intersect_key( $filters, self::DEFAULTS ) );
		$meta_query = array();
		$tax_query  = array();

		if ( ! $operators || ! $filters['include_deleted'] ) {
			$meta_query[] = App_Meta::not_deleted_clause();
		} elseif ( $filters['deleted_only'] ) {
			$meta_query[] = App_Meta::deleted_clause();
		}
		if ( '' !== (string) $filters['scan_status'] ) {
			$meta_query[] = array(
				'key'   => App_Meta::INDEX_SCAN_STATUS,
				'value' => (string) $filters['scan_status'],
			);
		}
		$environment = (string) $filters['environment'];
		$env_status  = (string) $filters['environment_status'];
		if ( '' !== $environment || '' !== $env_status ) {
			// Index rows are "<environment>:<status>"; callers pass names checked against their patterns,
			// both [a-z0-9-], safe inside a regular expression.
			$meta_query[] = array(
				'key'     => App_Meta::INDEX_ENVIRONMENT_STATUS,
				'compare' => 'REGEXP',
				'value'   => '^' . ( '' === $environment ? '[a-z0-9-]+' : $environment ) . ':' . ( '' === $env_status ? '[a-z]+' : $env_status ) . '$',
			);
		}
		$category = sanitize_title( (string) $filters['category'] );
		if ( '' !== $category ) {
			$tax_query[] = array(
				'taxonomy' => Category_Taxonomy::NAME,
				'field'    => 'slug',
				'terms'    => $category,
			);
		}

		return array(
			'post_type'                          => App_Post_Type::NAME,
			'post_status'                        => $operators ? array( 'publish', 'draft', 'pending', 'private', 'future' ) : 'publish',
			'has_password'                       => $operators ? null : false,
			's'                                  => (string) $filters['search'],
			'name'                               => (string) $filters['name'],
			'meta_query'                         => $meta_query, // phpcs:ignore WordPress.DB.SlowDBQuery
			'tax_query'                          => $tax_query, // phpcs:ignore WordPress.DB.SlowDBQuery
			'orderby'                            => self::order_by( $filters ),
			'order'                              => 'asc' === strtolower( (string) $filters['order'] ) ? 'ASC' : 'DESC',
			'posts_per_page'                     => max( 1, (int) $filters['per_page'] ),
			'paged'                              => max( 1, (int) $filters['page'] ),
			'ignore_sticky_posts'                => true,
			App_Post_Type::QUERY_INCLUDE_DELETED => $operators && $filters['include_deleted'],
		);
	}

	/**
	 * The order asked for; without one, the date, or the best match first when searching
	 * (App_Post_Type::rank_exact_names_first() puts the exact app name or title on top).
	 *
	 * @param array $filters See run().
	 */
	private static function order_by( array $filters ): string {
		if ( in_array( $filters['orderby'], self::ORDERBY, true ) ) {
			return $filters['orderby'];
		}
		return '' === (string) $filters['search'] ? 'date' : 'relevance';
	}
}
