<?php
/**
 * The environment-status block shows what the cluster said: health, ready replicas, the reason.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Blocks;

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_Block_Type_Registry;

/**
 * Renders the built block for an app in three states, as a visitor reads it.
 */
final class Environment_Status_Block_Test extends Orbit_Test_Case {

	protected function setUp(): void {
		parent::setUp();
		if ( ! WP_Block_Type_Registry::get_instance()->is_registered( 'k8or-orbit/environment-status' ) ) {
			$this->markTestSkipped( 'The blocks are not built (build/blocks); run the blocks build first.' );
		}
	}

	/**
	 * The text of the row of an environment, whitespace collapsed.
	 *
	 * @param string $html        Block markup.
	 * @param string $environment Environment name.
	 */
	private function row( string $html, string $environment ): string {
		$this->assertSame( 1, preg_match( '/<tr data-environment="' . $environment . '">(.*?)<\/tr>/s', $html, $match ), "a row for $environment" );
		return trim( (string) preg_replace( '/\s+/', ' ', wp_strip_all_tags( str_replace( '<', ' <', $match[1] ) ) ) );
	}

	public function test_each_environment_shows_its_status_health_ready_count_and_reason(): void {
		$app = $this->app(
			array(),
			array(
				App_Meta::ENVIRONMENTS => array(
					'dev'  => array(
						'status'        => 'deployed',
						'revision'      => 3,
						'health'        => 'Healthy',
						'replicas'      => 3,
						'readyReplicas' => 3,
						'ready'         => '3/3 ready',
						'deployedAt'    => '2026-12-01T08:00:00Z',
					),
					'test' => array(
						'status'      => 'committed',
						'revision'    => 2,
						'committedAt' => '2026-12-01T07:00:00Z',
						'message'     => 'Committed 0123456789ab; no Argo CD is configured for test, so Orbit cannot tell when it runs.',
					),
					'prod' => array(
						'status'        => 'degraded',
						'revision'      => 1,
						'health'        => 'Degraded',
						'replicas'      => 3,
						'readyReplicas' => 1,
						'message'       => "Pod hello-7d9 container web: CrashLoopBackOff\nback-off 5m0s restarting failed container",
					),
				),
			)
		);
		wp_set_current_user( 0 );

		$html = render_block(
			array(
				'blockName'    => 'k8or-orbit/environment-status',
				'attrs'        => array( 'appId' => $app ),
				'innerBlocks'  => array(),
				'innerHTML'    => '',
				'innerContent' => array(),
			)
		);

		$dev = $this->row( $html, 'dev' );
		$this->assertStringContainsString( 'Deployed Healthy 3/3 ready 3', $dev );
		$this->assertStringNotContainsString( 'Argo CD', $dev );

		$test = $this->row( $html, 'test' );
		$this->assertStringContainsString( 'Committed, waiting for sync', $test );
		$this->assertStringContainsString( 'no Argo CD is configured for test', $test, 'says honestly why it stays committed' );

		$prod = $this->row( $html, 'prod' );
		$this->assertStringContainsString( 'Degraded Pod hello-7d9 container web: CrashLoopBackOff Degraded 1/3 ready', $prod );
		$this->assertStringNotContainsString( 'back-off 5m0s', $prod, 'the reason in one line' );
	}

	public function test_the_card_line_names_health_and_ready_count(): void {
		// Loaded with the blocks' render files; loaded here to call the card line directly.
		require_once dirname( __DIR__, 3 ) . '/build/blocks/shared/render-helpers.php';
		$line = wp_strip_all_tags(
			k8or_orbit_blocks_environment_summary(
				array(
					'dev'  => array(
						'status'        => 'deployed',
						'revision'      => 3,
						'health'        => 'Healthy',
						'replicas'      => 3,
						'readyReplicas' => 2,
					),
					'prod' => array( 'status' => 'none' ),
				)
			)
		);
		$this->assertSame( 'dev: Deployed · Healthy · 2/3 ready · revision 3', html_entity_decode( trim( $line ) ) );
	}

	public function test_a_message_is_escaped(): void {
		$app  = $this->app(
			array(),
			array(
				App_Meta::ENVIRONMENTS => array(
					'dev' => array(
						'status'  => 'failed',
						'message' => '<script>alert(1)</script>',
					),
				),
			)
		);
		$html = render_block(
			array(
				'blockName'    => 'k8or-orbit/environment-status',
				'attrs'        => array( 'appId' => $app ),
				'innerBlocks'  => array(),
				'innerHTML'    => '',
				'innerContent' => array(),
			)
		);
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( '&lt;script&gt;', $html );
	}
}
