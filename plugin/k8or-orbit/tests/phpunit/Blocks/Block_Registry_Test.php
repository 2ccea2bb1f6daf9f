<?php
/**
 * The built blocks are registered.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Blocks;

use K8or\Orbit\Blocks\Block_Registry;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_Block_Type_Registry;

/**
 * Every build/blocks/<block>/block.json becomes a registered block type.
 */
final class Block_Registry_Test extends Orbit_Test_Case {

	public function test_every_built_block_is_registered(): void {
		$metadata_files = glob( dirname( K8OR_ORBIT_FILE ) . '/build/blocks/*/block.json' );
		if ( empty( $metadata_files ) ) {
			$this->markTestSkipped( 'No blocks are built (build/blocks is empty); run the blocks build first.' );
		}
		foreach ( $metadata_files as $metadata_file ) {
			$metadata = json_decode( (string) file_get_contents( $metadata_file ), true );
			$this->assertTrue( WP_Block_Type_Registry::get_instance()->is_registered( $metadata['name'] ), $metadata['name'] . ' from ' . basename( dirname( $metadata_file ) ) );
		}
	}

	public function test_the_catalog_patterns_and_templates_are_registered(): void {
		if ( empty( glob( dirname( K8OR_ORBIT_FILE ) . '/build/blocks/templates/*.php' ) ) ) {
			$this->markTestSkipped( 'No blocks are built (build/blocks is empty); run the blocks build first.' );
		}
		$patterns = \WP_Block_Patterns_Registry::get_instance();
		$this->assertTrue( $patterns->is_registered( 'k8or-orbit/app-catalog' ) );
		$this->assertTrue( $patterns->is_registered( 'k8or-orbit/app-page' ) );
		$templates = \WP_Block_Templates_Registry::get_instance();
		foreach ( array( 'archive-orbit_app', 'single-orbit_app' ) as $slug ) {
			$this->assertTrue( $templates->is_registered( 'k8or-orbit//' . $slug ), $slug );
		}
	}

	public function test_a_missing_build_registers_nothing_and_fails_nothing(): void {
		$before = count( WP_Block_Type_Registry::get_instance()->get_all_registered() );
		( new Block_Registry( sys_get_temp_dir() . '/orbit-no-such-build-' . wp_generate_password( 6, false ) ) )->register();
		$this->assertSame( $before, count( WP_Block_Type_Registry::get_instance()->get_all_registered() ) );
	}
}
