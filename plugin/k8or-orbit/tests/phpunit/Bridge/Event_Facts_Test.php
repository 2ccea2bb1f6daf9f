<?php
/**
 * Facts sent in the catalog's terms are stored as sent, verdicts per environment.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Bridge;

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * The upload's publish event as the bridge sends it, and the verdicts it carries.
 */
final class Event_Facts_Test extends Orbit_Test_Case {

	/**
	 * A verdict as the bridge's evaluateGate returns it.
	 *
	 * @param string $environment Environment.
	 * @param bool   $allowed     Whether the policy lets the image in.
	 * @param string $at          Evaluation time.
	 */
	private function verdict( string $environment, bool $allowed, string $at = '2026-11-27T21:29:30.000Z' ): array {
		return array(
			'environment' => $environment,
			'allowed'     => $allowed,
			'reason'      => $allowed ? 'passed' : 'findings',
			'message'     => $allowed ? "$environment: allowed" : "$environment: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)",
			'blocking'    => $allowed ? array() : array(
				array(
					'id'               => 'CVE-2019-14697',
					'pkg'              => 'musl',
					'installedVersion' => '1.1.20-r3',
					'fixedVersion'     => '1.1.20-r5',
					'severity'         => 'CRITICAL',
				),
			),
			'evaluatedAt' => $at,
		);
	}

	/**
	 * An upload's database-update-started event as the bridge's upload job sends it.
	 *
	 * @param string $name   App name.
	 * @param string $job_id Job id.
	 * @param array  $scan   The ScanResult.
	 */
	private function upload_event( string $name, string $job_id, array $scan ): array {
		return array(
			'jobId'       => $job_id,
			'seq'         => 14,
			'name'        => 'database-update-started',
			'step'        => 'publish',
			'outcome'     => 'started',
			'appName'     => $name,
			'environment' => 'test',
			'actor'       => array(
				'id'    => 7,
				'login' => 'operator',
			),
			'time'        => '2026-11-27T21:30:00.000Z',
			'data'        => array(
				'app' => array(
					'name'        => $name,
					'title'       => 'Hello',
					'description' => 'Says hello.',
					'category'    => 'Orbit Test Tools',
					'image'       => array(
						'repository'     => 'registry.example.com:5000/team/hello',
						'tag'            => '2.1',
						'configDigest'   => 'sha256:' . str_repeat( '1', 64 ),
						'manifestDigest' => 'sha256:' . str_repeat( '2', 64 ),
						'size'           => 5242880,
						'os'             => 'linux',
						'architecture'   => 'arm64',
						'exposedPorts'   => array( '8080/tcp' ),
						'layerCount'     => 4,
						'uploadedBy'     => array(
							'id'    => 7,
							'login' => 'operator',
						),
						'uploadedAt'     => '2026-11-27T21:28:00.000Z',
					),
					'scan'        => $scan,
					'verdicts'    => array(
						'dev'  => $this->verdict( 'dev', true ),
						'test' => $this->verdict( 'test', false ),
					),
				),
			),
		);
	}

	private function scanned(): array {
		return array(
			'status'         => 'scanned',
			'scanner'        => 'trivy',
			'counts'         => array(
				'CRITICAL' => 1,
				'HIGH'     => 1,
				'MEDIUM'   => 3,
				'LOW'      => 0,
				'UNKNOWN'  => 2,
			),
			'total'          => 7,
			'fixable'        => 5,
			'secrets'        => 0,
			'reportLocation' => 'reports/x/test/job.json',
			'scannedAt'      => '2026-11-27T21:29:00.000Z',
		);
	}

	public function test_an_upload_event_is_stored_as_sent_with_a_verdict_per_environment(): void {
		$name     = $this->app_name();
		$response = $this->dispatch( $this->signed_callback( array( 'events' => array( $this->upload_event( $name, $this->job_id(), $this->scanned() ) ) ) ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$post = App_Post_Type::find_by_name( $name );
		$this->track_post( $post->ID );

		$image = App_Meta::read( $post->ID, App_Meta::IMAGE );
		$this->assertSame( 'registry.example.com:5000/team/hello', $image['repository'] );
		$this->assertSame( 5242880, $image['size'] );
		$this->assertSame( 4, $image['layerCount'] );

		$scan = App_Meta::read( $post->ID, App_Meta::SCAN );
		$this->assertSame( 'scanned', $scan['status'] );
		$this->assertSame( $this->scanned()['counts'], $scan['counts'] );

		$verdicts = App_Meta::read( $post->ID, App_Meta::VERDICTS );
		$this->assertSame( array( 'dev', 'test' ), array_keys( $verdicts ) );
		$this->assertTrue( $verdicts['dev']['allowed'] );
		$this->assertFalse( $verdicts['test']['allowed'] );
		$this->assertSame( 'CVE-2019-14697', $verdicts['test']['blocking'][0]['id'] );
		$this->assertSame( '1.1.20-r5', $verdicts['test']['blocking'][0]['fixedVersion'] );
	}

	public function test_a_newer_verdict_replaces_an_older_one_per_environment_only(): void {
		$name  = $this->app_name();
		$first = $this->upload_event( $name, $this->job_id(), $this->scanned() );
		$this->dispatch( $this->signed_callback( array( 'events' => array( $first ) ) ) );
		$post = App_Post_Type::find_by_name( $name );
		$this->track_post( $post->ID );

		$rescan                     = $first;
		$rescan['jobId']            = $this->job_id();
		$rescan['data']             = array(
			'scan'     => $this->scanned(),
			'verdicts' => array( 'test' => $this->verdict( 'test', true, '2026-11-28T08:00:00.000Z' ) ),
		);
		$stale                      = $rescan;
		$stale['jobId']             = $this->job_id();
		$stale['data']['verdicts']  = array( 'test' => $this->verdict( 'test', false, '2026-11-27T00:00:00.000Z' ) );
		$this->dispatch( $this->signed_callback( array( 'events' => array( $rescan, $stale ) ) ) );

		$verdicts = App_Meta::read( $post->ID, App_Meta::VERDICTS );
		$this->assertTrue( $verdicts['test']['allowed'], 'the newer verdict stands' );
		$this->assertTrue( $verdicts['dev']['allowed'], 'dev is untouched by a test verdict' );
	}

	public function test_facts_in_other_terms_are_refused_not_translated(): void {
		$name                                = $this->app_name();
		$event                               = $this->upload_event( $name, $this->job_id(), $this->scanned() );
		$event['data']['app']['image']['repoTags'] = array( 'hello:2.1' );
		$response                            = $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertNull( App_Post_Type::find_by_name( $name ) );

		$event                                       = $this->upload_event( $name, $this->job_id(), $this->scanned() );
		$event['data']['app']['verdicts']['test']['allowed'] = 'yes';
		$this->assertSame( 400, $this->dispatch( $this->signed_callback( array( 'events' => array( $event ) ) ) )->get_status() );
	}

	public function test_an_unavailable_scan_is_stored_without_counts(): void {
		$name     = $this->app_name();
		$scan     = array(
			'status'    => 'unavailable',
			'reason'    => 'no scanner is configured',
			'scannedAt' => '2026-11-27T21:29:00.000Z',
		);
		$response = $this->dispatch( $this->signed_callback( array( 'events' => array( $this->upload_event( $name, $this->job_id(), $scan ) ) ) ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$post = App_Post_Type::find_by_name( $name );
		$this->track_post( $post->ID );
		$stored = App_Meta::read( $post->ID, App_Meta::SCAN );
		$this->assertSame( 'unavailable', $stored['status'] );
		$this->assertArrayNotHasKey( 'counts', $stored );
	}
}
