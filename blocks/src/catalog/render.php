<?php
/**
 * Server render of k8or-orbit/catalog: the public catalog (Catalog_Query) with a search box,
 * a category filter and pagination driven by GET query arguments, so all of it works
 * without JavaScript.
 *
 * @package K8orOrbit
 *
 * @var array<string, mixed> $attributes Block attributes.
 * @var string               $content    Inner content (unused).
 * @var WP_Block             $block      The block.
 */

defined( 'ABSPATH' ) || exit;

require_once dirname( __DIR__ ) . '/shared/render-helpers.php';

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\Catalog_Query;

$k8or_orbit_layout         = isset( $attributes['layout'] ) && 'list' === $attributes['layout'] ? 'list' : 'grid';
$k8or_orbit_per_page       = isset( $attributes['itemsPerPage'] ) ? min( 50, max( 1, absint( $attributes['itemsPerPage'] ) ) ) : 12;
$k8or_orbit_fixed_category = isset( $attributes['category'] ) ? sanitize_title( (string) $attributes['category'] ) : '';
$k8or_orbit_show_badge     = ! isset( $attributes['showScanBadge'] ) || (bool) $attributes['showScanBadge'];

// phpcs:disable WordPress.Security.NonceVerification.Recommended -- public, read-only GET filters.
$k8or_orbit_search   = isset( $_GET['orbit_q'] ) ? substr( sanitize_text_field( wp_unslash( $_GET['orbit_q'] ) ), 0, 100 ) : '';
$k8or_orbit_category = '' !== $k8or_orbit_fixed_category
	? $k8or_orbit_fixed_category
	: ( isset( $_GET['orbit_category'] ) ? sanitize_title( wp_unslash( $_GET['orbit_category'] ) ) : '' );
$k8or_orbit_page     = isset( $_GET['orbit_page'] ) ? max( 1, absint( $_GET['orbit_page'] ) ) : 1;
// phpcs:enable WordPress.Security.NonceVerification.Recommended

// The public catalog, whoever looks: published apps, neither deleted nor password-protected.
$k8or_orbit_query = Catalog_Query::run(
	array(
		'search'   => $k8or_orbit_search,
		'category' => $k8or_orbit_category,
		// A search lists the best match first (the exact app name on top); otherwise A to Z.
		'orderby'  => '' === $k8or_orbit_search ? 'title' : '',
		'order'    => 'asc',
		'per_page' => $k8or_orbit_per_page,
		'page'     => $k8or_orbit_page,
	),
	false
);

// The form submits to the page it sits on; query arguments of that URL (plain permalinks
// such as ?page_id=7) travel as hidden fields because a GET form replaces the query string.
$k8or_orbit_base_url = remove_query_arg( array( 'orbit_q', 'orbit_category', 'orbit_page' ) );
$k8or_orbit_hidden   = '';
$k8or_orbit_base_qs  = wp_parse_url( $k8or_orbit_base_url, PHP_URL_QUERY );
if ( is_string( $k8or_orbit_base_qs ) ) {
	wp_parse_str( $k8or_orbit_base_qs, $k8or_orbit_base_args );
	foreach ( $k8or_orbit_base_args as $k8or_orbit_name => $k8or_orbit_value ) {
		if ( is_string( $k8or_orbit_value ) ) {
			$k8or_orbit_hidden .= sprintf( '<input type="hidden" name="%1$s" value="%2$s" />', esc_attr( $k8or_orbit_name ), esc_attr( $k8or_orbit_value ) );
		}
	}
}
$k8or_orbit_uid = wp_unique_id( 'k8or-orbit-catalog-' );

$k8or_orbit_categories = '' === $k8or_orbit_fixed_category
	? get_terms(
		array(
			'taxonomy'   => 'orbit_category',
			'hide_empty' => true,
			'number'     => 200,
		)
	)
	: array();
?>
<div <?php echo get_block_wrapper_attributes( array( 'class' => 'is-layout-' . $k8or_orbit_layout ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by core. ?>>
	<form class="wp-block-k8or-orbit-catalog__filters" role="search" method="get" action="<?php echo esc_url( $k8or_orbit_base_url ); ?>">
		<?php echo $k8or_orbit_hidden; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts above. ?>
		<p class="wp-block-k8or-orbit-catalog__field">
			<label for="<?php echo esc_attr( $k8or_orbit_uid ); ?>-q"><?php esc_html_e( 'Search apps', 'k8or-orbit' ); ?></label>
			<input type="search" id="<?php echo esc_attr( $k8or_orbit_uid ); ?>-q" name="orbit_q" maxlength="100" value="<?php echo esc_attr( $k8or_orbit_search ); ?>" />
		</p>
		<?php if ( is_array( $k8or_orbit_categories ) && array() !== $k8or_orbit_categories ) : ?>
			<p class="wp-block-k8or-orbit-catalog__field">
				<label for="<?php echo esc_attr( $k8or_orbit_uid ); ?>-category"><?php esc_html_e( 'Category', 'k8or-orbit' ); ?></label>
				<select id="<?php echo esc_attr( $k8or_orbit_uid ); ?>-category" name="orbit_category">
					<option value=""><?php esc_html_e( 'All categories', 'k8or-orbit' ); ?></option>
					<?php foreach ( $k8or_orbit_categories as $k8or_orbit_term ) : ?>
						<option value="<?php echo esc_attr( $k8or_orbit_term->slug ); ?>" <?php selected( $k8or_orbit_category, $k8or_orbit_term->slug ); ?>><?php echo esc_html( $k8or_orbit_term->name ); ?></option>
					<?php endforeach; ?>
				</select>
			</p>
		<?php endif; ?>
		<button type="submit" class="wp-element-button"><?php esc_html_e( 'Search', 'k8or-orbit' ); ?></button>
	</form>

	<p class="wp-block-k8or-orbit-catalog__count" role="status">
		<?php
		echo esc_html(
			sprintf(
				/* translators: %d: number of apps found. */
				_n( '%d app', '%d apps', $k8or_orbit_query->found_posts, 'k8or-orbit' ),
				$k8or_orbit_query->found_posts
			)
		);
		?>
	</p>

	<?php if ( $k8or_orbit_query->have_posts() ) : ?>
		<ul class="wp-block-k8or-orbit-catalog__items">
			<?php
			foreach ( $k8or_orbit_query->posts as $k8or_orbit_app ) :
				$k8or_orbit_image = App_Meta::read( $k8or_orbit_app->ID, App_Meta::IMAGE );
				$k8or_orbit_ref   = isset( $k8or_orbit_image['repository'], $k8or_orbit_image['tag'] ) && is_string( $k8or_orbit_image['repository'] ) && is_string( $k8or_orbit_image['tag'] )
					? $k8or_orbit_image['repository'] . ':' . $k8or_orbit_image['tag']
					: '';
				?>
				<li class="wp-block-k8or-orbit-catalog__item">
					<h3 class="wp-block-k8or-orbit-catalog__title">
						<a href="<?php echo esc_url( get_permalink( $k8or_orbit_app ) ); ?>"><?php echo esc_html( get_the_title( $k8or_orbit_app ) ); ?></a>
					</h3>
					<?php if ( '' !== $k8or_orbit_ref ) : ?>
						<p class="wp-block-k8or-orbit-catalog__image"><code><?php echo esc_html( $k8or_orbit_ref ); ?></code></p>
					<?php endif; ?>
					<?php
					$k8or_orbit_excerpt = wp_strip_all_tags( get_the_excerpt( $k8or_orbit_app ) );
					if ( '' !== $k8or_orbit_excerpt ) :
						?>
						<p class="wp-block-k8or-orbit-catalog__excerpt"><?php echo esc_html( $k8or_orbit_excerpt ); ?></p>
					<?php endif; ?>
					<?php echo k8or_orbit_blocks_environment_summary( App_Meta::read( $k8or_orbit_app->ID, App_Meta::ENVIRONMENTS ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the helper. ?>
					<?php if ( $k8or_orbit_show_badge ) : ?>
						<p class="wp-block-k8or-orbit-catalog__badge"><?php echo k8or_orbit_blocks_scan_badge( App_Meta::read( $k8or_orbit_app->ID, App_Meta::SCAN ), App_Meta::read( $k8or_orbit_app->ID, App_Meta::VERDICTS ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the helper. ?></p>
					<?php endif; ?>
				</li>
			<?php endforeach; ?>
		</ul>
	<?php else : ?>
		<p class="wp-block-k8or-orbit-catalog__empty"><?php esc_html_e( 'No apps match. Try another search or category.', 'k8or-orbit' ); ?></p>
	<?php endif; ?>

	<?php if ( $k8or_orbit_query->max_num_pages > 1 ) : ?>
		<nav class="wp-block-k8or-orbit-catalog__pagination" aria-label="<?php esc_attr_e( 'Catalog pages', 'k8or-orbit' ); ?>">
			<?php if ( $k8or_orbit_page > 1 ) : ?>
				<a rel="prev" href="<?php echo esc_url( add_query_arg( 'orbit_page', $k8or_orbit_page - 1 ) ); ?>"><?php esc_html_e( 'Previous', 'k8or-orbit' ); ?></a>
			<?php endif; ?>
			<span aria-current="page">
				<?php
				echo esc_html(
					sprintf(
						/* translators: 1: current page, 2: number of pages. */
						__( 'Page %1$d of %2$d', 'k8or-orbit' ),
						$k8or_orbit_page,
						$k8or_orbit_query->max_num_pages
					)
				);
				?>
			</span>
			<?php if ( $k8or_orbit_page < $k8or_orbit_query->max_num_pages ) : ?>
				<a rel="next" href="<?php echo esc_url( add_query_arg( 'orbit_page', $k8or_orbit_page + 1 ) ); ?>"><?php esc_html_e( 'Next', 'k8or-orbit' ); ?></a>
			<?php endif; ?>
		</nav>
	<?php endif; ?>
</div>
