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
	 * Registers each block found.
	 */
	public function register(): void {
		$metadata_files = glob( trailingslashit( $this->blocks_dir ) . '*/block.json' );
		foreach ( is_array( $metadata_files ) ? $metadata_files : array() as $metadata_file ) {
			register_block_type( dirname( $metadata_file ) );
		}
	}
}
