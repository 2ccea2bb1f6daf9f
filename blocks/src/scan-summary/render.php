<?php
/**
 * Server render of k8or-orbit/scan-summary: scan status and findings per severity.
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

$k8or_orbit_app = k8or_orbit_blocks_resolve_app( $attributes, $block );
if ( null === $k8or_orbit_app ) {
	return;
}
?>
<section <?php echo get_block_wrapper_attributes( array( 'aria-label' => __( 'Security scan', 'k8or-orbit' ) ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by core. ?>>
	<?php echo k8or_orbit_blocks_scan_summary( App_Meta::read( $k8or_orbit_app->ID, App_Meta::SCAN ), App_Meta::read( $k8or_orbit_app->ID, App_Meta::VERDICTS ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in the helper. ?>
</section>
