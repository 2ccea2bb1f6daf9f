<?php
/**
 * Block template single-orbit_app: the site header, the app page pattern and the
 * site footer.
 *
 * Returns the template's properties for register_block_template().
 *
 * @package K8orOrbit
 */

defined( 'ABSPATH' ) || exit;

return array(
	'title'       => __( 'App page', 'k8or-orbit' ),
	'description' => __( 'The page of one app: image facts, scan summary and environments.', 'k8or-orbit' ),
	'post_types'  => array( 'orbit_app' ),
	'content'     => '<!-- wp:template-part {"slug":"header","tagName":"header"} /-->
<!-- wp:group {"tagName":"main","style":{"spacing":{"padding":{"top":"var:preset|spacing|50","bottom":"var:preset|spacing|50"}}},"layout":{"type":"constrained"}} -->
<main class="wp-block-group" style="padding-top:var(--wp--preset--spacing--50);padding-bottom:var(--wp--preset--spacing--50)">
<!-- wp:pattern {"slug":"k8or-orbit/app-page"} /-->
</main>
<!-- /wp:group -->
<!-- wp:template-part {"slug":"footer","tagName":"footer"} /-->',
);
