<?php
/**
 * GET /apps/{id}/versions, and versions as upload and scan events add and update them.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * Each upload adds a version; the newest is the app's current image; older ones stay listed.
 */
final class Versions_Controller_Test extends Orbit_Test_Case {

	/**
	 * Sends the database-update-started event of an upload of one version.
	 *
	 * @param string $name   App name.
	 * @param string $label  Version label.
	 * @param string $digit  Fills the digests, so each version has its own.
	 * @param string $time   Event time.
	 * @param string $status Scan status sent.
	 * @return string The job id.
	 */
	private function upload_version( string $name, string $label, string $digit, string $time, string $status = 'scanned' ): string {
		$job   = $this->job_id();
		$image = array_merge(
			$this->image_facts(),
			array(
				'configDigest'  => 'sha256:' . str_repeat( $digit, 64 ),
				'archiveDigest' => 'sha256:' . str_repeat( 'c', 63 ) . $digit,
				'size'          => 1000 + (int) hexdec( $digit ),
				'version'       => $label,
				'uploadedAt'    => $time,
			)
		);
		$event             = $this->event(
			$job,
			14,
			$name,
			$time,
			array(
				'app' => array(
					'title'   => 'Versioned',
					'version' => $label,
					'image'   => $image,
					'scan'    => array(
						'status'    => $status,
						'counts'    => array( 'CRITICAL' => 0 ),
						'scannedAt' => $time,
					),
				),
			)
		);
		$event['actor']    = array(
			'id'    => 2,
			'login' => 'operator',
		);
		$response          = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->track_post( $response->get_data()['app']['id'] );
		return $job;
	}

	/**
	 * The versions as the current user gets them.
	 *
	 * @param int $app_id App id.
	 */
	private function versions( int $app_id ): array {
		$response = $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps/' . $app_id . '/versions' ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		return $response->get_data();
	}

	public function test_a_second_upload_adds_a_version_and_both_are_listed_newest_first(): void {
		$name = $this->app_name();
		$this->upload_version( $name, '1.0.0', 'd', '2026-11-27T21:00:00.000Z' );
		$this->upload_version( $name, '1.0.1', 'e', '2026-11-27T22:00:00.000Z' );
		$post = App_Post_Type::find_by_name( $name );

		$visible = $this->versions( $post->ID );
		$this->assertSame( array( '1.0.1', '1.0.0' ), array_column( $visible, 'label' ) );
		$this->assertSame( array( 'sha256:' . str_repeat( 'e', 64 ), 'sha256:' . str_repeat( 'd', 64 ) ), array_column( $visible, 'configDigest' ) );
		$this->assertSame( 'sha256:' . str_repeat( 'c', 63 ) . 'd', $visible[1]['archiveDigest'] );
		$this->assertSame( array( 1014, 1013 ), array_column( $visible, 'size' ) );
		$this->assertSame( '2026-11-27T21:00:00.000Z', $visible[1]['uploadedAt'] );
		$this->assertSame( 'scanned', $visible[0]['scan']['status'] );
		$this->assertSame( 'dev', $visible[0]['environment'] );
		// Visitors see no uploader and no job.
		$this->assertArrayNotHasKey( 'uploadedBy', $visible[0] );
		$this->assertArrayNotHasKey( 'jobId', $visible[0] );
		$this->assertStringNotContainsString( 'operator', (string) wp_json_encode( $visible ) );

		// The newest is the app's current image.
		$this->assertSame( '1.0.1', App_Meta::read( $post->ID, App_Meta::IMAGE )['version'] );

		$this->act_as( Roles::OPERATOR );
		$operator = $this->versions( $post->ID );
		$this->assertSame( 'operator', $operator[0]['uploadedBy']['login'] );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9._:-]+$/', $operator[0]['jobId'] );
	}

	public function test_a_scan_of_an_older_version_updates_that_version_only(): void {
		$name = $this->app_name();
		$this->upload_version( $name, '1.0.0', 'd', '2026-11-27T21:00:00.000Z' );
		$this->upload_version( $name, '1.0.1', 'e', '2026-11-27T22:00:00.000Z' );
		$post  = App_Post_Type::find_by_name( $name );
		$event = $this->event(
			$this->job_id(),
			4,
			$name,
			'2026-11-27T23:00:00.000Z',
			array(
				'version' => '1.0.0',
				'scan'    => array(
					'status'    => 'scanned',
					'counts'    => array( 'CRITICAL' => 3 ),
					'scannedAt' => '2026-11-27T23:00:00.000Z',
				),
			)
		);
		$this->assertSame( 200, $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) )->get_status() );

		$versions = App_Meta::read( $post->ID, App_Meta::VERSIONS );
		$this->assertSame( 3, $versions['1.0.0']['scan']['counts']['CRITICAL'] );
		$this->assertSame( '2026-11-27T23:00:00.000Z', $versions['1.0.0']['scan']['scannedAt'] );
		$this->assertSame( '2026-11-27T22:00:00.000Z', $versions['1.0.1']['scan']['scannedAt'] );
		// The app's current scan is the newest version's.
		$this->assertSame( '2026-11-27T22:00:00.000Z', App_Meta::read( $post->ID, App_Meta::SCAN )['scannedAt'] );
	}

	public function test_an_upload_event_repeating_a_label_keeps_the_first_version(): void {
		$name = $this->app_name();
		$this->upload_version( $name, '1.0.0', 'd', '2026-11-27T21:00:00.000Z' );
		$this->upload_version( $name, '1.0.0', 'e', '2026-11-27T22:00:00.000Z' );
		$versions = $this->versions( App_Post_Type::find_by_name( $name )->ID );
		$this->assertCount( 1, $versions );
		$this->assertSame( 'sha256:' . str_repeat( 'd', 64 ), $versions[0]['configDigest'] );
	}

	public function test_a_label_the_app_has_is_refused_before_any_upload_starts(): void {
		$name = $this->app_name();
		$this->upload_version( $name, '1.0.0', 'd', '2026-11-27T21:00:00.000Z' );
		$this->act_as( Roles::OPERATOR );
		$request = new WP_REST_Request( 'POST', '/k8or-orbit/v1/uploads' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body(
			(string) wp_json_encode(
				array(
					'appName'  => $name,
					'version'  => '1.0.0',
					'filename' => 'image.tar',
					'size'     => 1024,
				)
			)
		);
		$response = $this->dispatch( $request );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'orbit_version_exists', $response->as_error()->get_error_code() );
		$this->assertStringContainsString( "$name already has a version 1.0.0", $response->as_error()->get_error_message() );

		foreach ( array( '', '../1.0', '.hidden', str_repeat( '1', 65 ), '1.0/2' ) as $bad ) {
			$request->set_body(
				(string) wp_json_encode(
					array(
						'appName'  => $name,
						'version'  => $bad,
						'filename' => 'image.tar',
						'size'     => 1024,
					)
				)
			);
			$this->assertSame( 400, $this->dispatch( $request )->get_status(), "label '$bad'" );
		}
	}

	public function test_visitors_get_404_for_the_versions_of_an_app_they_may_not_see(): void {
		$draft = $this->app( array( 'post_status' => 'draft' ) );
		$this->assertSame( 404, $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps/' . $draft . '/versions' ) )->get_status() );
		$this->act_as( Roles::OPERATOR );
		$this->assertSame( array(), $this->versions( $draft ) );
	}
}
