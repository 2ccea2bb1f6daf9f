<?php
/**
 * POST /bridge/events through the REST server.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Bridge\Signature;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * Signed callbacks apply once, create the app page and never roll state back.
 */
final class Bridge_Events_Controller_Test extends Orbit_Test_Case {

	public function test_upload_event_creates_the_published_app_page_once(): void {
		$name  = $this->app_name();
		$job   = $this->job_id();
		$event = $this->event(
			$job,
			1,
			$name,
			'2026-11-27T21:00:00.000Z',
			array(
				'app' => array(
					'title'        => 'Hello Web',
					'description'  => 'A small web server.',
					'category'     => 'Orbit Test Web',
					'image'        => $this->image_facts(),
					'scan'         => array(
						'status' => 'scanned',
						'counts' => array(
							'CRITICAL' => 0,
							'HIGH'     => 0,
						),
					),
					'environments' => array( 'dev' => array( 'status' => 'none' ) ),
					'deployInputs' => array( 'replicas' => 2 ),
				),
			)
		);

		$response = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$data = $response->get_data();
		$this->assertSame( 1, $data['applied'] );
		$this->assertSame( 0, $data['duplicates'] );
		$this->assertSame( $name, $data['app']['name'] );

		$post = App_Post_Type::find_by_name( $name );
		$this->assertNotNull( $post );
		$this->track_post( $post->ID );
		$this->assertSame( $data['app']['id'], $post->ID );
		$this->assertSame( 'publish', $post->post_status );
		$this->assertSame( 'Hello Web', $post->post_title );
		$this->assertSame( 'sha256:' . str_repeat( 'a', 64 ), App_Meta::read( $post->ID, App_Meta::IMAGE )['manifestDigest'] );
		$this->assertSame( '2026-11-27T21:00:00.000Z', App_Meta::read( $post->ID, App_Meta::IMAGE )['updatedAt'] );
		$this->assertSame( 'scanned', App_Meta::read( $post->ID, App_Meta::SCAN )['status'] );
		$this->assertSame( 2, App_Meta::read( $post->ID, App_Meta::DEPLOY_INPUTS )['replicas'] );
		$this->assertSame( array( 'Orbit Test Web' ), wp_get_object_terms( $post->ID, 'orbit_category', array( 'fields' => 'names' ) ) );

		// The same event again, under a fresh request id: counted as a duplicate, nothing changes.
		$modified = get_post_field( 'post_modified_gmt', $post->ID );
		$again    = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );
		$this->assertSame( 200, $again->get_status() );
		$this->assertSame( 0, $again->get_data()['applied'] );
		$this->assertSame( 1, $again->get_data()['duplicates'] );
		$this->assertSame( $post->ID, $again->get_data()['app']['id'] );
		$this->assertCount( 1, get_posts( array( 'post_type' => 'orbit_app', 'name' => $name, 'post_status' => 'any' ) ) );
		$this->assertSame( $modified, get_post_field( 'post_modified_gmt', $post->ID ) );
	}

	public function test_older_state_does_not_roll_back_newer_state(): void {
		$name    = $this->app_name();
		$post_id = $this->app( array( 'post_name' => $name ) );
		$newer   = $this->event( $this->job_id(), 5, $name, '2026-11-27T21:10:00.000Z', array( 'environments' => array( 'dev' => array( 'status' => 'deployed', 'revision' => 2 ) ), 'scan' => array( 'status' => 'unavailable' ) ) );
		$older   = $this->event( $this->job_id(), 3, $name, '2026-11-27T21:05:00.000Z', array( 'environments' => array( 'dev' => array( 'status' => 'deploying', 'revision' => 1 ), 'test' => array( 'status' => 'deployed', 'revision' => 1 ) ), 'scan' => array( 'status' => 'scanned' ) ) );

		$this->assertSame( 200, $this->dispatch( $this->signed_callback( array( 'events' => array( $newer ) ) ) )->get_status() );
		$response = $this->dispatch( $this->signed_callback( array( 'events' => array( $older ) ) ) );
		$this->assertSame( 1, $response->get_data()['applied'], 'the older event is applied as far as it is not older' );

		$environments = App_Meta::read( $post_id, App_Meta::ENVIRONMENTS );
		$this->assertSame( 'deployed', $environments['dev']['status'] );
		$this->assertSame( 2, $environments['dev']['revision'] );
		$this->assertSame( 'deployed', $environments['test']['status'], 'an environment without newer state takes the event\'s state' );
		$this->assertSame( 'unavailable', App_Meta::read( $post_id, App_Meta::SCAN )['status'] );
	}

	public function test_a_deploy_shows_deploying_and_a_failed_one_leaves_the_environment_as_it_was(): void {
		$name      = $this->app_name();
		$committed = array(
			'status'   => 'committed',
			'revision' => 2,
			'commit'   => str_repeat( 'c', 40 ),
		);
		$post_id   = $this->app( array( 'post_name' => $name ), array( App_Meta::ENVIRONMENTS => array( 'dev' => $committed + array( 'updatedAt' => '2026-11-27T20:00:00.000Z' ) ) ) );
		$deploying = fn ( string $job, string $time, string $environment = 'dev' ) => array_merge(
			$this->event( $job, 1, $name, $time, array( 'environments' => array( $environment => array( 'status' => 'deploying', 'revision' => 3, 'jobId' => $job ) ) ) ),
			array(
				'name'        => 'deployment-initiated',
				'environment' => $environment,
			)
		);
		$failed    = fn ( string $job, string $time, string $environment = 'dev' ) => array_merge(
			$this->event( $job, 9, $name, $time ),
			array(
				'name'        => 'deployment-failed',
				'outcome'     => 'failed',
				'environment' => $environment,
			)
		);

		$failing = $this->job_id();
		$this->dispatch( $this->signed_callback( array( 'events' => array( $deploying( $failing, '2026-11-27T21:00:00.000Z' ) ) ) ) );
		$state = App_Meta::read( $post_id, App_Meta::ENVIRONMENTS )['dev'];
		$this->assertSame( 'deploying', $state['status'] );
		$this->assertSame( 3, $state['revision'] );

		// Another job's failure is not this deploy's.
		$this->dispatch( $this->signed_callback( array( 'events' => array( $failed( $this->job_id(), '2026-11-27T21:00:30.000Z' ) ) ) ) );
		$this->assertSame( 'deploying', App_Meta::read( $post_id, App_Meta::ENVIRONMENTS )['dev']['status'] );

		$this->dispatch( $this->signed_callback( array( 'events' => array( $failed( $failing, '2026-11-27T21:01:00.000Z' ) ) ) ) );
		$state = App_Meta::read( $post_id, App_Meta::ENVIRONMENTS )['dev'];
		$this->assertSame( 'committed', $state['status'], 'the state before the deploy is back' );
		$this->assertSame( 2, $state['revision'] );
		$this->assertSame( $committed['commit'], $state['commit'] );
		$this->assertArrayNotHasKey( 'previous', $state );

		// A deploy that succeeds replaces the state, and nothing of the old one stays behind.
		$succeeding = $this->job_id();
		$this->dispatch( $this->signed_callback( array( 'events' => array( $deploying( $succeeding, '2026-11-27T21:02:00.000Z' ) ) ) ) );
		$this->dispatch( $this->signed_callback( array( 'events' => array( $this->event( $succeeding, 14, $name, '2026-11-27T21:03:00.000Z', array( 'environments' => array( 'dev' => array( 'status' => 'committed', 'revision' => 3 ) ) ) ) ) ) ) );
		$state = App_Meta::read( $post_id, App_Meta::ENVIRONMENTS )['dev'];
		$this->assertSame( array( 'committed', 3 ), array( $state['status'], $state['revision'] ) );
		$this->assertArrayNotHasKey( 'previous', $state );

		// A first deploy that fails leaves the environment not deployed.
		$first = $this->job_id();
		$this->dispatch( $this->signed_callback( array( 'events' => array( $deploying( $first, '2026-11-27T21:04:00.000Z', 'test' ) ) ) ) );
		$this->dispatch( $this->signed_callback( array( 'events' => array( $failed( $first, '2026-11-27T21:05:00.000Z', 'test' ) ) ) ) );
		$this->assertArrayNotHasKey( 'test', App_Meta::read( $post_id, App_Meta::ENVIRONMENTS ) );
	}

	public function test_deleted_and_restored_by_events(): void {
		$name    = $this->app_name();
		$post_id = $this->app( array( 'post_name' => $name ) );
		$job     = $this->job_id();
		$this->dispatch(
			$this->signed_callback(
				array(
					'events' => array(
						$this->event( $job, 1, $name, '2026-11-27T21:00:00Z', array( 'deleted' => array( 'deleted' => true, 'environment' => 'dev' ) ) ),
					),
				)
			)
		);
		$this->assertTrue( App_Meta::is_deleted( $post_id ) );
		$this->assertSame( 'dev', App_Meta::read( $post_id, App_Meta::DELETED )['environment'] );

		$this->dispatch( $this->signed_callback( array( 'events' => array( $this->event( $job, 2, $name, '2026-11-27T21:01:00Z', array( 'deleted' => array( 'deleted' => false ) ) ) ) ) ) );
		$this->assertFalse( App_Meta::is_deleted( $post_id ) );
	}

	/**
	 * @dataProvider rejected_signatures
	 *
	 * @param string $case What is wrong.
	 */
	public function test_bad_signatures_are_rejected_and_change_nothing( string $case ): void {
		$name  = $this->app_name();
		$body  = array( 'events' => array( $this->event( $this->job_id(), 1, $name, '2026-11-27T21:00:00Z', array( 'app' => array( 'title' => 'Nope' ) ) ) ) );

		switch ( $case ) {
			case 'missing':
				$request = $this->signed_callback( $body );
				$request->remove_header( 'X-Orbit-Signature' );
				break;
			case 'wrong secret':
				$request = $this->signed_callback( $body, array( 'secret' => str_repeat( 'w', 40 ) ) );
				break;
			case 'expired':
				$request = $this->signed_callback( $body, array( 'time' => time() - 301 ) );
				break;
			case 'from the future':
				$request = $this->signed_callback( $body, array( 'time' => time() + 301 ) );
				break;
			case 'body tampered':
				$request = $this->signed_callback( $body, array( 'body_after_signing' => str_replace( '"Nope"', '"Changed"', wp_json_encode( $body ) ) ) );
				break;
			case 'replayed':
				$first = $this->signed_callback( array( 'events' => array( $this->event( $this->job_id(), 1, 'orbit-test-other', '2026-11-27T21:00:00Z' ) ) ) );
				$this->assertSame( 200, $this->dispatch( $first )->get_status() );
				$request = $this->signed_callback( $body, array( 'request_id' => $first->get_header( 'x_orbit_request_id' ) ) );
				break;
		}

		$response = $this->dispatch( $request );
		$this->assertSame( 401, $response->get_status(), $case );
		$this->assertStringStartsWith( 'orbit_signature_', $response->get_data()['code'] );
		$this->assertNull( App_Post_Type::find_by_name( $name ), 'nothing was applied' );
	}

	public function rejected_signatures(): array {
		return array_map( fn( $case ) => array( $case ), array( 'missing' => 'missing', 'wrong secret' => 'wrong secret', 'expired' => 'expired', 'from the future' => 'from the future', 'body tampered' => 'body tampered', 'replayed' => 'replayed' ) );
	}

	public function test_invalid_events_are_refused_whole(): void {
		$name    = $this->app_name();
		$good    = $this->event( $this->job_id(), 1, $name, '2026-11-27T21:00:00Z', array( 'app' => array( 'title' => 'x' ) ) );
		$bad     = $this->event( $this->job_id(), 1, $name, '2026-11-27T21:00:00Z', array( 'scan' => array( 'status' => 'great' ) ) );
		$bad_app = $this->event( $this->job_id(), 1, 'Not_A_DNS_Label', '2026-11-27T21:00:00Z' );

		foreach ( array( array( $good, $bad ), array( $bad_app ) ) as $events ) {
			$response = $this->dispatch( $this->signed_callback( array( 'events' => $events ) ) );
			$this->assertSame( 400, $response->get_status() );
			$this->assertSame( 'orbit_invalid_events', $response->get_data()['code'] );
		}
		$this->assertNull( App_Post_Type::find_by_name( $name ) );
	}

	public function test_signed_by_the_same_code_the_bridge_contract_describes(): void {
		$request = $this->signed_callback( array( 'events' => array( $this->event( $this->job_id(), 1, $this->app_name(), '2026-11-27T21:00:00Z' ) ) ) );
		$this->assertSame(
			'v1=' . hash_hmac(
				'sha256',
				implode( "\n", array( 'POST', '/k8or-orbit/v1/bridge/events', $request->get_header( 'x_orbit_timestamp' ), $request->get_header( 'x_orbit_request_id' ), hash( 'sha256', $request->get_body() ) ) ),
				$this->secret()
			),
			$request->get_header( 'x_orbit_signature' )
		);
		$response = $this->dispatch( $request );
		$this->assertSame( 200, $response->get_status() );
		$this->assertNull( $response->get_data()['app'], 'an event for an app without a page touches nothing' );
		$this->assertSame( Signature::HEADER_SIGNATURE, 'X-Orbit-Signature' );
	}
	public function test_an_event_that_cannot_be_applied_changes_nothing_and_stays_unclaimed(): void {
		// WordPress keeps "feed" for itself, so the page would get another slug than the app name.
		$event = $this->event( $this->job_id(), 1, 'feed', '2026-11-27T21:00:00Z', array( 'app' => array( 'title' => 'Reserved' ) ) );
		foreach ( array( 'first delivery', 'retry' ) as $attempt ) {
			$response = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );
			$this->assertSame( 409, $response->get_status(), $attempt );
			$this->assertSame( 'orbit_app_name_taken', $response->get_data()['code'] );
		}
		$this->assertSame( array(), get_posts( array( 'post_type' => 'orbit_app', 'title' => 'Reserved', 'post_status' => 'any' ) ) );
	}
}
