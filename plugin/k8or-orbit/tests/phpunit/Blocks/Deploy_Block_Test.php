<?php
/**
 * The Deploy block renders buttons only for the environments the reader may deploy to.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Blocks;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_Block_Type_Registry;

/**
 * Renders the built block as each kind of reader.
 */
final class Deploy_Block_Test extends Orbit_Test_Case {

	protected function setUp(): void {
		parent::setUp();
		if ( ! WP_Block_Type_Registry::get_instance()->is_registered( 'k8or-orbit/deploy' ) ) {
			$this->markTestSkipped( 'The blocks are not built (build/blocks); run the blocks build first.' );
		}
	}

	/**
	 * The block's markup for an app.
	 *
	 * @param int $app_id App id.
	 */
	private function render_for( int $app_id ): string {
		return render_block(
			array(
				'blockName'    => 'k8or-orbit/deploy',
				'attrs'        => array( 'appId' => $app_id ),
				'innerBlocks'  => array(),
				'innerHTML'    => '',
				'innerContent' => array(),
			)
		);
	}

	/**
	 * The environments of the buttons in the markup.
	 *
	 * @param string $html Markup.
	 * @return list<string>
	 */
	private function buttons( string $html ): array {
		preg_match_all( '/<button[^>]*data-environment="([a-z0-9-]+)"[^>]*>\s*Deploy to \1\s*<\/button>/', $html, $matches );
		return $matches[1];
	}

	public function test_one_button_per_environment_the_reader_may_deploy_to_and_nothing_for_others(): void {
		$app = $this->app( array(), array( App_Meta::IMAGE => $this->image_facts() ) );
		foreach ( array( 'anonymous', 'subscriber', 'editor' ) as $role ) {
			$this->act_as( $role );
			$this->assertSame( '', trim( $this->render_for( $app ) ), "$role sees nothing" );
		}
		$this->act_as( Roles::OPERATOR );
		$this->assertSame( array( 'dev', 'test' ), $this->buttons( $this->render_for( $app ) ), 'no prod button for operators' );
		$this->act_as( 'administrator' );
		$html = $this->render_for( $app );
		$this->assertSame( array( 'dev', 'test', 'prod' ), $this->buttons( $html ) );

		preg_match( '/data-orbit-deploy="([^"]*)"/', $html, $data );
		$decoded = json_decode( html_entity_decode( $data[1], ENT_QUOTES ), true );
		$this->assertSame( $app, $decoded['app']['id'] );
		$this->assertSame( '1.0.0', $decoded['app']['version'] );
		$this->assertSame( 'sha256:' . str_repeat( 'a', 64 ), $decoded['app']['digest'] );
		$this->assertSame( array( 'dev', 'test', 'prod' ), $decoded['environments'] );
	}

	public function test_only_readers_who_get_buttons_load_the_dialog_script(): void {
		$app    = $this->app();
		$handle = generate_block_asset_handle( 'k8or-orbit/deploy', 'viewScript' );
		$this->assertTrue( wp_script_is( $handle, 'registered' ) );
		wp_dequeue_script( $handle );
		$this->render_for( $app );
		$this->assertFalse( wp_script_is( $handle, 'enqueued' ), 'a visitor does not load it' );
		$this->act_as( Roles::OPERATOR );
		$this->render_for( $app );
		$this->assertTrue( wp_script_is( $handle, 'enqueued' ) );
		wp_dequeue_script( $handle );
	}

	public function test_a_deleted_app_gets_no_button(): void {
		$app = $this->app( array(), array( App_Meta::DELETED => array( 'deleted' => true ) ) );
		$this->act_as( 'administrator' );
		$this->assertSame( '', trim( $this->render_for( $app ) ) );
	}
}
