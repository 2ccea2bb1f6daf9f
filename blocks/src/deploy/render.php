<?php
/**
 * Server render of k8or-orbit/deploy: one button per environment the current user may deploy
 * the app to, nothing for anyone else. The view script opens the deploy dialog from them.
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
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Settings\Settings;

$k8or_orbit_app = k8or_orbit_blocks_resolve_app( $attributes, $block );
if ( null === $k8or_orbit_app || App_Meta::is_deleted( $k8or_orbit_app->ID ) ) {
	return;
}
$k8or_orbit_environments = array_values(
	array_filter(
		Settings::environment_names(),
		static function ( $environment ) {
			return current_user_can( Capabilities::deploy( $environment ) );
		}
	)
);
if ( array() === $k8or_orbit_environments ) {
	return;
}
wp_enqueue_style( 'wp-components' );
wp_enqueue_script( generate_block_asset_handle( 'k8or-orbit/deploy', 'viewScript' ) );

$k8or_orbit_image = App_Meta::read( $k8or_orbit_app->ID, App_Meta::IMAGE );
$k8or_orbit_data  = array(
	'app'          => array(
		'id'      => $k8or_orbit_app->ID,
		'name'    => App_Post_Type::app_name( $k8or_orbit_app ),
		'version' => isset( $k8or_orbit_image['tag'] ) ? (string) $k8or_orbit_image['tag'] : '',
		'digest'  => (string) ( $k8or_orbit_image['manifestDigest'] ?? $k8or_orbit_image['configDigest'] ?? '' ),
	),
	'environments' => $k8or_orbit_environments,
	'jobUrl'       => admin_url( 'admin.php?page=k8or-orbit#events/job/%s' ),
);
?>
<div <?php echo get_block_wrapper_attributes( array( 'data-orbit-deploy' => wp_json_encode( $k8or_orbit_data ) ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped by core. ?>>
	<?php foreach ( $k8or_orbit_environments as $k8or_orbit_environment ) : ?>
		<button type="button" class="wp-element-button wp-block-k8or-orbit-deploy__button" data-environment="<?php echo esc_attr( $k8or_orbit_environment ); ?>">
			<?php
			/* translators: %s: environment name. */
			echo esc_html( sprintf( __( 'Deploy to %s', 'k8or-orbit' ), $k8or_orbit_environment ) );
			?>
		</button>
	<?php endforeach; ?>
	<div class="wp-block-k8or-orbit-deploy__dialog" aria-live="polite"></div>
</div>
