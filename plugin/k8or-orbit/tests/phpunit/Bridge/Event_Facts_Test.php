<?php
/**
 * The bridge's own terms read into catalog meta.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Bridge;

use K8or\Orbit\Bridge\Event_Facts;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Settings\Settings;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * Trivy severities, repo tags, stored-but-not-deployed environments and the policy decision.
 */
final class Event_Facts_Test extends Orbit_Test_Case {

	/**
	 * An upload's database-update-started event as the bridge's upload job sends it.
	 *
	 * @param string $name   App name.
	 * @param string $job_id Job id.
	 * @param array  $counts Findings per Trivy severity.
	 */
	private function bridge_upload_event( string $name, string $job_id, array $counts ): array {
		return array(
			'jobId'       => $job_id,
			'seq'         => 14,
			'name'        => 'database-update-started',
			'step'        => 'publish',
			'outcome'     => 'started',
			'appName'     => $name,
			'environment' => 'test',
			'actor'       => array( 'id' => 7, 'login' => 'operator' ),
			'time'        => '2026-11-27T21:30:00.000Z',
			'data'        => array(
				'app' => array(
					'name'        => $name,
					'title'       => 'Hello',
					'description' => 'Says hello.',
					'category'    => 'Orbit Test Tools',
					'image'       => array(
						'format'         => 'docker-archive',
						'configDigest'   => 'sha256:' . str_repeat( '1', 64 ),
						'manifestDigest' => 'sha256:' . str_repeat( '2', 64 ),
						'archiveDigest'  => 'sha256:' . str_repeat( '3', 64 ),
						'archiveSize'    => 5242880,
						'repoTags'       => array( 'registry.example.com:5000/team/hello:2.1' ),
						'os'             => 'linux',
						'architecture'   => 'arm64',
						'exposedPorts'   => array( '8080/tcp' ),
						'entrypoint'     => array( '/hello' ),
						'layers'         => 4,
						'totalSize'      => 9000000,
						'storage'        => array( 'bucket' => 'orbit-test', 'key' => 'apps/x' ),
					),
					'scan'         => array(
						'status'    => 'scanned',
						'scanner'   => 'trivy',
						'summary'   => array(
							'counts'    => $counts,
							'total'     => array_sum( $counts ),
							'uniqueIds' => 1,
							'fixable'   => 0,
							'secrets'   => 0,
						),
						'reportKey' => 'reports/x/test/job.json',
						'scannedAt' => '2026-11-27T21:29:00.000Z',
					),
					'environments' => array(
						'test' => array(
							'status'        => 'uploaded',
							'archiveDigest' => 'sha256:' . str_repeat( '3', 64 ),
							'updatedAt'     => '2026-11-27T21:29:59.000Z',
						),
					),
				),
			),
		);
	}

	public function test_an_upload_event_in_the_bridge_terms_becomes_the_app_page(): void {
		$name     = $this->app_name();
		$event    = $this->bridge_upload_event( $name, $this->job_id(), array( 'CRITICAL' => 0, 'HIGH' => 1, 'MEDIUM' => 3, 'LOW' => 0, 'UNKNOWN' => 2 ) );
		$response = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$post = App_Post_Type::find_by_name( $name );
		$this->track_post( $post->ID );

		$image = App_Meta::read( $post->ID, App_Meta::IMAGE );
		$this->assertSame( 'registry.example.com:5000/team/hello', $image['repository'] );
		$this->assertSame( '2.1', $image['tag'] );
		$this->assertSame( 5242880, $image['size'] );
		$this->assertSame( 4, $image['layerCount'] );
		$this->assertSame( array( 'id' => 7, 'login' => 'operator' ), $image['uploadedBy'] );
		$this->assertArrayNotHasKey( 'storage', $image );

		$scan = App_Meta::read( $post->ID, App_Meta::SCAN );
		$this->assertSame( 'passed', $scan['status'], 'test allows up to high by default' );
		$this->assertSame( array( 'critical' => 0, 'high' => 1, 'medium' => 3, 'low' => 0, 'unknown' => 2 ), $scan['counts'] );
		$this->assertSame( 'reports/x/test/job.json', $scan['reportLocation'] );

		$this->assertSame( 'none', App_Meta::read( $post->ID, App_Meta::ENVIRONMENTS )['test']['status'], 'stored, not deployed' );
	}

	public function test_findings_above_the_environment_policy_block(): void {
		$name  = $this->app_name();
		$event = $this->bridge_upload_event( $name, $this->job_id(), array( 'CRITICAL' => 1, 'HIGH' => 0, 'MEDIUM' => 0, 'LOW' => 0, 'UNKNOWN' => 0 ) );
		$this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );
		$post = App_Post_Type::find_by_name( $name );
		$this->track_post( $post->ID );
		$this->assertSame( 'blocked', App_Meta::read( $post->ID, App_Meta::SCAN )['status'] );
	}

	public function test_policy_ranks_severities(): void {
		$environments                              = Settings::environments();
		$environments[0]['policy']['maxSeverity'] = 'none';
		$environments[1]['policy']['maxSeverity'] = 'medium';
		$this->assertIsArray( Settings::update( array( 'environments' => $environments ) ) );

		$this->assertFalse( Event_Facts::within_policy( array( 'unknown' => 1 ), 'dev' ), 'none allowed: even unknown findings block' );
		$this->assertTrue( Event_Facts::within_policy( array( 'low' => 0, 'unknown' => 0 ), 'dev' ) );
		$this->assertTrue( Event_Facts::within_policy( array( 'medium' => 5, 'unknown' => 3 ), 'test' ) );
		$this->assertFalse( Event_Facts::within_policy( array( 'high' => 1 ), 'test' ) );
		$this->assertTrue( Event_Facts::within_policy( array( 'critical' => 9 ), 'no-such-environment' ), 'no policy, nothing to block' );
	}

	public function test_facts_already_in_meta_terms_pass_through(): void {
		$image = $this->image_facts();
		$this->assertSame( $image, Event_Facts::image( $image, array( 'time' => '2026-11-27T22:00:00Z' ) ) );
		$this->assertSame( array( 'status' => 'failed', 'counts' => array( 'high' => 1 ) ), Event_Facts::scan( array( 'status' => 'failed', 'counts' => array( 'high' => 1 ) ), 'dev' ) );
		$this->assertSame( array( 'dev' => array( 'status' => 'deployed', 'revision' => 3 ) ), Event_Facts::environments( array( 'dev' => array( 'status' => 'deployed', 'revision' => 3, 'archiveDigest' => 'x' ) ) ) );
	}
}
