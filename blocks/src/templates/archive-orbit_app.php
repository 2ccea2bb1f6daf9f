<?php
/**
 * Block template archive-orbit_app (/apps/): the site header, the app catalog pattern
 * and the site footer.
 *
 * Returns the template's properties for register_block_template().
 *
 * @package K8orOrbit
 */

defined( 'ABSPATH' ) || exit;

return array(
	'title'       => __( 'App catalog', 'k8or-orbit' ),
	'description' => __( 'Lists the published apps at /apps/.', 'k8or-orbit' ),
	'content'     => '<!-- wp:template-part {"slug":"header","tagName":"header"} /-->
<!-- wp:group {"tagName":"main","style":{"spacing":{"padding":{"top":"var:preset|spacing|50","bottom":"var:preset|spacing|50"}}},"layout":{"type":"constrained"}} -->
<main class="wp-block-group" style="padding-top:var(--wp--preset--spacing--50);padding-bottom:var(--wp--preset--spacing--50)">
<!-- wp:pattern {"slug":"k8or-orbit/app-catalog"} /-->
</main>
<!-- /wp:group -->
<!-- wp:template-part {"slug":"footer","tagName":"footer"} /-->',
);
