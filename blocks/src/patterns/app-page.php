<?php
/**
 * Pattern k8or-orbit/app-page: the page of one app — its title and description, the
 * image facts, the scan summary and where it runs.
 *
 * Returns the pattern's properties for register_block_pattern().
 *
 * @package K8orOrbit
 */

defined( 'ABSPATH' ) || exit;

return array(
	'title'       => __( 'App page', 'k8or-orbit' ),
	'description' => __( 'Title, categories, image facts with environments, scan summary and deploy buttons of the current app.', 'k8or-orbit' ),
	'categories'  => array( 'k8or-orbit' ),
	'postTypes'   => array( 'orbit_app' ),
	'keywords'    => array( 'app', 'image', 'scan', 'orbit' ),
	'content'     => '<!-- wp:group {"align":"wide","layout":{"type":"constrained","wideSize":"1200px"}} -->
<div class="wp-block-group alignwide">
<!-- wp:post-title {"level":1} /-->
<!-- wp:post-terms {"term":"orbit_category"} /-->
<!-- wp:columns {"align":"wide"} -->
<div class="wp-block-columns alignwide">
<!-- wp:column {"width":"62%"} -->
<div class="wp-block-column" style="flex-basis:62%">
<!-- wp:k8or-orbit/app-details /-->
<!-- wp:post-content /-->
</div>
<!-- /wp:column -->
<!-- wp:column {"width":"38%"} -->
<div class="wp-block-column" style="flex-basis:38%">
<!-- wp:heading {"level":2} -->
<h2 class="wp-block-heading">' . esc_html__( 'Security scan', 'k8or-orbit' ) . '</h2>
<!-- /wp:heading -->
<!-- wp:k8or-orbit/scan-summary /-->
<!-- wp:k8or-orbit/deploy /-->
</div>
<!-- /wp:column -->
</div>
<!-- /wp:columns -->
<!-- wp:paragraph -->
<p><a href="' . esc_url( get_post_type_archive_link( 'orbit_app' ) ) . '">' . esc_html__( '← All apps', 'k8or-orbit' ) . '</a></p>
<!-- /wp:paragraph -->
</div>
<!-- /wp:group -->',
);
