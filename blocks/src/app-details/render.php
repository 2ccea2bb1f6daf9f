<?php
/**
 * Server render of k8or-orbit/app-details: the image facts, the scan badge, the versions and
 * the status per environment of the current app or of the one chosen in the block.
 *
 * @package K8orOrbit
 *
 * @var array<string, mixed> $attributes Block attributes.
 * @var string               $content    Inner content (unused).
 * @var WP_Block             $block      The block.
 */

defined( 'ABSPATH' ) || exit;

require_once dirname( __DIR__ ) . '/shared/render-helpers.php';

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;

$k8or_orbit_app = k8or_orbit_blocks_resolve_app( $attributes, $block );
if ( null === $k8or_orbit_app ) {
	return;
}
$k8or_orbit_heading_id = wp_unique_id( 'k8or-orbit-app-details-' );
?>
<section <?php echo get_block_wrapper_attributes( array( 'aria-labelledby' => $k8or_orbit_heading_id ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by core. ?>>
	<h2 id="<?php echo esc_attr( $k8or_orbit_heading_id ); ?>" class="wp-block-k8or-orbit-app-details__heading">
		<?php
		echo esc_html(
			sprintf(
				/* translators: %s: app title. */
				__( 'Image of %s', 'k8or-orbit' ),
				get_the_title( $k8or_orbit_app )
			)
		);
		?>
	</h2>
	<?php if ( App_Meta::is_deleted( $k8or_orbit_app->ID ) ) : ?>
		<p class="wp-block-k8or-orbit-app-details__deleted"><?php esc_html_e( 'This app is deleted. It can be restored from the Orbit console.', 'k8or-orbit' ); ?></p>
	<?php endif; ?>
	<p class="wp-block-k8or-orbit-app-details__badge"><?php echo k8or_orbit_blocks_scan_badge( App_Meta::read( $k8or_orbit_app->ID, App_Meta::SCAN ), App_Meta::read( $k8or_orbit_app->ID, App_Meta::VERDICTS ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the helper. ?></p>
	<?php echo k8or_orbit_blocks_image_facts( App_Meta::read( $k8or_orbit_app->ID, App_Meta::IMAGE ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the helper. ?>
	<?php $k8or_orbit_versions = App_Meta::versions( $k8or_orbit_app->ID ); ?>
	<?php if ( array() !== $k8or_orbit_versions ) : ?>
		<h3 class="wp-block-k8or-orbit-app-details__subheading"><?php esc_html_e( 'Versions', 'k8or-orbit' ); ?></h3>
		<?php echo k8or_orbit_blocks_versions_table( $k8or_orbit_versions, current_user_can( Capabilities::READ_JOBS ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the helper. ?>
	<?php endif; ?>
	<h3 class="wp-block-k8or-orbit-app-details__subheading"><?php esc_html_e( 'Where it runs', 'k8or-orbit' ); ?></h3>
	<?php echo k8or_orbit_blocks_environment_table( App_Meta::read( $k8or_orbit_app->ID, App_Meta::ENVIRONMENTS ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the helper. ?>
</section>
