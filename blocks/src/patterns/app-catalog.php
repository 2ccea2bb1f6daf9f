<?php
/**
 * Pattern k8or-orbit/app-catalog: a heading, a line of introduction and the catalog.
 *
 * Returns the pattern's properties for register_block_pattern().
 *
 * @package K8orOrbit
 */

defined( 'ABSPATH' ) || exit;

return array(
	'title'       => __( 'App catalog', 'k8or-orbit' ),
	'description' => __( 'All published apps with search, category filter and pages.', 'k8or-orbit' ),
	'categories'  => array( 'k8or-orbit' ),
	'keywords'    => array( 'apps', 'catalog', 'orbit' ),
	'content'     => '<!-- wp:group {"align":"wide","layout":{"type":"constrained","wideSize":"1200px"}} -->
<div class="wp-block-group alignwide">
<!-- wp:heading {"level":1} -->
<h1 class="wp-block-heading">' . esc_html__( 'Apps', 'k8or-orbit' ) . '</h1>
<!-- /wp:heading -->
<!-- wp:paragraph -->
<p>' . esc_html__( 'Container images our teams publish: what each one is, what it was scanned for and where it runs.', 'k8or-orbit' ) . '</p>
<!-- /wp:paragraph -->
<!-- wp:k8or-orbit/catalog {"align":"wide","itemsPerPage":12} /-->
</div>
<!-- /wp:group -->',
);
