<?php
/**
 * Orbit meta through wp/v2: visible, never writable.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Content;

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * An editor saving an app in the block editor cannot change Orbit's facts.
 */
final class Wp_V2_Meta_Test extends Orbit_Test_Case {

	/**
	 * @dataProvider roles
	 *
	 * @param string $role Role saving the post.
	 */
	public function test_saving_through_wp_v2_cannot_change_orbit_meta( string $role ): void {
		$post_id = $this->app( array(), array( App_Meta::SCAN => array( 'status' => 'unavailable' ), App_Meta::ENVIRONMENTS => array( 'prod' => array( 'status' => 'none' ) ) ) );
		$this->act_as( $role );

		$request = new WP_REST_Request( 'POST', '/wp/v2/orbit_app/' . $post_id );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body(
			wp_json_encode(
				array(
					'title' => 'Edited title',
					'meta'  => array(
						App_Meta::SCAN         => array( 'status' => 'scanned' ),
						App_Meta::ENVIRONMENTS => array( 'prod' => array( 'status' => 'deployed' ) ),
					),
				)
			)
		);
		$response = $this->dispatch( $request );
		$this->assertSame( 403, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'unavailable', App_Meta::read( $post_id, App_Meta::SCAN )['status'] );
		$this->assertSame( 'none', App_Meta::read( $post_id, App_Meta::ENVIRONMENTS )['prod']['status'] );

		// Content edits without Orbit meta still work.
		$content = new WP_REST_Request( 'POST', '/wp/v2/orbit_app/' . $post_id );
		$content->set_header( 'Content-Type', 'application/json' );
		$content->set_body( wp_json_encode( array( 'title' => 'Edited title' ) ) );
		$this->assertSame( 200, $this->dispatch( $content )->get_status() );
		$this->assertSame( 'Edited title', get_post( $post_id )->post_title );
	}

	public function roles(): array {
		return array(
			'editor'        => array( 'editor' ),
			'administrator' => array( 'administrator' ),
		);
	}

	public function test_wp_v2_shows_the_meta_with_its_schema(): void {
		$post_id  = $this->app( array(), array( App_Meta::SCAN => array( 'status' => 'scanned' ) ) );
		$response = $this->dispatch( new WP_REST_Request( 'GET', '/wp/v2/orbit_app/' . $post_id ) );
		$this->assertSame( 'scanned', $response->get_data()['meta'][ App_Meta::SCAN ]['status'] );
		$this->assertArrayNotHasKey( App_Meta::DEPLOY_INPUTS, $response->get_data()['meta'] );
	}
}
