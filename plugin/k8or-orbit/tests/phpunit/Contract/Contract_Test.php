<?php
/**
 * The plugin follows the contract it ships.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Contract;

use K8or\Orbit\Bridge\Event_Applier;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Tests\Orbit_Test_Case;

/**
 * Names, limits and shapes the plugin checks are the contract's: a change there changes them here.
 */
final class Contract_Test extends Orbit_Test_Case {

	/**
	 * The argument schema of a route.
	 *
	 * @param string $route  Route.
	 * @param string $method HTTP method.
	 */
	private function route_args( string $route, string $method ): array {
		foreach ( rest_get_server()->get_routes()[ $route ] as $handler ) {
			if ( ! empty( $handler['methods'][ $method ] ) ) {
				return $handler['args'];
			}
		}
		$this->fail( "no $method $route" );
	}

	public function test_the_shipped_copy_is_the_contract(): void {
		$source = dirname( __DIR__, 5 ) . '/docs/contract.json';
		if ( ! file_exists( $source ) ) {
			$this->markTestSkipped( 'the plugin is tested outside the repository' );
		}
		$this->assertSame( json_decode( (string) file_get_contents( $source ), true ), Contract::data() );
	}

	public function test_uploads_accept_the_archive_names_and_lengths_of_the_contract(): void {
		$start    = $this->route_args( '/k8or-orbit/v1/uploads', 'POST' );
		$filename = $start['filename'];
		foreach ( Contract::limit( 'archiveExtensions' ) as $extension ) {
			$this->assertTrue( rest_validate_value_from_schema( 'hello-web' . $extension, $filename, 'filename' ) );
		}
		$this->assertInstanceOf( \WP_Error::class, rest_validate_value_from_schema( 'hello-web.tar.gz', $filename, 'filename' ), 'the bridge cannot read a compressed archive' );
		$this->assertTrue( rest_validate_value_from_schema( 'hello-web', $start['appName'], 'appName' ) );
		$this->assertInstanceOf( \WP_Error::class, rest_validate_value_from_schema( 'Hello_Web', $start['appName'], 'appName' ) );

		$complete    = $this->route_args( '/k8or-orbit/v1/uploads/(?P<id>[A-Za-z0-9._~-]{1,256})/complete', 'POST' );
		$description = $complete['app']['properties']['description'];
		$this->assertTrue( rest_validate_value_from_schema( str_repeat( 'a', Contract::limit( 'descriptionLength' ) ), $description, 'description' ) );
		$this->assertInstanceOf( \WP_Error::class, rest_validate_value_from_schema( str_repeat( 'a', Contract::limit( 'descriptionLength' ) + 1 ), $description, 'description' ) );
		$etag = $complete['parts']['items']['properties']['etag'];
		$this->assertTrue( rest_validate_value_from_schema( str_repeat( 'e', Contract::limit( 'etagLength' ) ), $etag, 'etag' ) );
		$this->assertInstanceOf( \WP_Error::class, rest_validate_value_from_schema( str_repeat( 'e', Contract::limit( 'etagLength' ) + 1 ), $etag, 'etag' ) );
	}

	public function test_callback_events_have_the_contract_event_shape(): void {
		$items = Event_Applier::body_schema()['properties']['events']['items'];
		$event = Contract::schema( 'Event' );
		$this->assertSame( $event['required'], $items['required'] );
		$this->assertSame( $event['properties']['appName'], $items['properties']['appName'] );
		$this->assertSame( $event['properties']['environment'], $items['properties']['environment'] );
		$this->assertSame( Contract::limit( 'eventsPerCallback' ), Event_Applier::body_schema()['properties']['events']['maxItems'] );
	}

	public function test_stored_verdicts_and_scans_have_the_contract_shapes(): void {
		$verdict = array(
			'environment' => 'dev',
			'allowed'     => false,
			'reason'      => 'findings',
			'message'     => 'dev: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)',
			'blocking'    => array(
				array(
					'id'               => 'CVE-2019-14697',
					'pkg'              => 'musl',
					'installedVersion' => '1.1.20-r3',
					'fixedVersion'     => '1.1.20-r5',
					'severity'         => 'CRITICAL',
				),
			),
			'evaluatedAt' => '2026-11-27T21:29:30.000Z',
		);
		$this->assertTrue( App_Meta::validate( App_Meta::VERDICTS, array( 'dev' => $verdict ) ) );
		$this->assertInstanceOf( \WP_Error::class, App_Meta::validate( App_Meta::VERDICTS, array( 'dev' => array_merge( $verdict, array( 'reason' => 'passed-ish' ) ) ) ) );
		$this->assertInstanceOf( \WP_Error::class, App_Meta::validate( App_Meta::SCAN, array( 'status' => 'passed' ) ), 'a scan has no verdict of its own' );
		$this->assertSame( array_merge( array( 'none' ), Contract::schema( 'ScanResult' )['properties']['status']['enum'] ), App_Meta::SCAN_STATUSES );
	}
}
