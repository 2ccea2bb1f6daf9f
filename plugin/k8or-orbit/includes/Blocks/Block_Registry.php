<?php
/**
 * Registers the built blocks.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Blocks;

defined( 'ABSPATH' ) || exit;

/**
 * Registers every build/blocks/<block>/block.json; a missing build registers nothing.
 */
final class Block_Registry {

	/**
	 * Creates the registry.
	 *
	 * @param string $blocks_dir Directory holding one folder per built block.
	 */
	public function __construct( private string $blocks_dir ) {
	}

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'init', array( $this, 'register' ) );
	}

	/**
	 * Registers each block found, then the patterns and the templates for /apps/ and app pages
	 * that use them, so a visitor sees a finished catalog without anyone designing pages.
	 */
	public function register(): void {
		foreach ( $this->files( '*/block.json' ) as $metadata_file ) {
			// A view script is registered, but enqueued by the block's own render only when it shows
			// something that needs it, so visitors of a page with a Deploy block do not load the dialog.
			$block_type = register_block_type( dirname( $metadata_file ) );
			if ( $block_type ) {
				$block_type->view_script_handles = array();
			}
		}

		register_block_pattern_category( 'k8or-orbit', array( 'label' => __( 'Orbit', 'k8or-orbit' ) ) );
		foreach ( $this->files( 'patterns/*.php' ) as $pattern_file ) {
			register_block_pattern( 'k8or-orbit/' . basename( $pattern_file, '.php' ), require $pattern_file );
		}
		foreach ( $this->files( 'templates/*.php' ) as $template_file ) {
			register_block_template( 'k8or-orbit//' . basename( $template_file, '.php' ), require $template_file );
		}
	}

	/**
	 * Built files matching a pattern below the blocks directory.
	 *
	 * @param string $pattern Glob pattern relative to the blocks directory.
	 * @return string[]
	 */
	private function files( string $pattern ): array {
		$files = glob( trailingslashit( $this->blocks_dir ) . $pattern );
		return is_array( $files ) ? $files : array();
	}
}
