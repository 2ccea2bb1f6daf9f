<?php
/**
 * GET/PUT /settings.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Settings\Settings;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * Secrets are write-only; bad values are refused with messages saying what to fix.
 */
final class Settings_Controller_Test extends Orbit_Test_Case {

	private function put( array $body ): \WP_REST_Response {
		$request = new WP_REST_Request( 'PUT', '/k8or-orbit/v1/settings' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( $body ) );
		return $this->dispatch( $request );
	}

	public function test_secrets_are_stored_but_never_returned(): void {
		$this->act_as( 'administrator' );
		$secret = 'bridge-secret-' . wp_generate_password( 40, false );
		$body   = array( 'bridgeSecret' => $secret );
		if ( ! in_array( 'bridgeSecret', Config::fixed_keys(), true ) ) {
			$response = $this->put( $body );
			$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
			$this->assertSame( $secret, Settings::get()['bridgeSecret'] );
			$this->assertStringNotContainsString( $secret, wp_json_encode( $response->get_data() ) );
			$this->assertTrue( $response->get_data()['bridgeSecretSet'] );
		}
		$read = $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/settings' ) )->get_data();
		$this->assertArrayNotHasKey( 'bridgeSecret', $read );
		$this->assertStringNotContainsString( $secret, wp_json_encode( $read ) );
		if ( '' !== Config::bridge_secret() ) {
			$this->assertStringNotContainsString( Config::bridge_secret(), wp_json_encode( $read ) );
		}
	}

	public function test_invalid_values_are_refused_with_every_problem_named(): void {
		$this->act_as( 'administrator' );
		$before   = get_option( Settings::OPTION );
		$response = $this->put(
			array(
				'environments' => array(
					array(
						'name'      => 'Dev Env',
						'namespace' => 'bad_namespace',
						'bucket'    => 'x',
						'registry'  => 'https://registry.example.com',
						'mode'      => 'gitops',
						'policy'    => array(
							'scanRequired' => true,
							'maxSeverity'  => 'HIGH',
						),
					),
				),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$errors = $response->get_data()['data']['errors'];
		$this->assertCount( 4, $errors, implode( "\n", $errors ) );
		$this->assertStringContainsString( 'name must be', $errors[0] );
		$this->assertStringContainsString( 'namespace', $errors[1] );
		$this->assertStringContainsString( 'bucket', $errors[2] );
		$this->assertStringContainsString( 'registry', $errors[3] );
		$this->assertSame( $before, get_option( Settings::OPTION ), 'nothing saved' );
	}

	public function test_a_short_bridge_secret_or_a_bad_url_is_refused(): void {
		$this->assertInstanceOf( \WP_Error::class, Settings::validate( array( 'bridgeSecret' => 'short' ), Settings::get() ) );
		$this->assertInstanceOf( \WP_Error::class, Settings::validate( array( 'bridgeUrl' => 'ftp://bridge' ), Settings::get() ) );
		$this->assertInstanceOf( \WP_Error::class, Settings::validate( array( 'bridgeUrl' => 'http://user:pw@bridge:8787' ), Settings::get() ) );
		$this->assertInstanceOf( \WP_Error::class, Settings::validate( array( 'natsWebsocketUrl' => 'http://nats:4223' ), Settings::get() ) );
		$valid = Settings::validate( array( 'bridgeUrl' => 'http://127.0.0.1:8787/', 'natsWebsocketUrl' => 'ws://127.0.0.1:4223' ), Settings::get() );
		$this->assertSame( 'http://127.0.0.1:8787', $valid['bridgeUrl'] );
	}

	public function test_duplicate_environment_names_are_refused(): void {
		$environments = Settings::environments();
		$environments[] = $environments[0];
		$result = Settings::validate( array( 'environments' => $environments ), Settings::get() );
		$this->assertInstanceOf( \WP_Error::class, $result );
		$this->assertStringContainsString( 'listed twice', $result->get_error_message() );
	}

	public function test_values_fixed_by_constants_cannot_be_changed_here(): void {
		$fixed = Config::fixed_keys();
		if ( array() === $fixed ) {
			$this->markTestSkipped( 'No K8OR_ORBIT_* constant or environment variable is set on this site.' );
		}
		$this->act_as( 'administrator' );
		$key      = $fixed[0];
		$response = $this->put( array( $key => 'bridgeSecret' === $key ? str_repeat( 'z', 40 ) : 'http://127.0.0.2:1' ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'orbit_setting_fixed', $response->get_data()['code'] );
	}

	public function test_exemptions_are_stored_per_environment_and_sent_as_the_contract_policy(): void {
		$this->act_as( 'administrator' );
		$environments                             = Settings::environments();
		$exemption                                = array(
			'id'      => 'CVE-2019-14697',
			'app'     => 'hello-web',
			'reason'  => 'musl is not reachable from the binary',
			'by'      => 'admin',
			'expires' => '2026-03-31',
		);
		$environments[1]['policy']['exemptions']  = array( $exemption );
		$environments[1]['policy']['unknownSeverityAs'] = 'LOW';
		$response                                 = $this->put( array( 'environments' => $environments ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$policies = Settings::policies();
		$this->assertSame( array( $exemption ), $policies[ $environments[1]['name'] ]['exemptions'] );
		$this->assertSame( 'LOW', $policies[ $environments[1]['name'] ]['unknownSeverityAs'] );
		$this->assertSame( array(), $policies[ $environments[0]['name'] ]['exemptions'] );
	}

	public function test_an_exemption_without_expiry_reason_or_a_real_date_is_refused(): void {
		$this->act_as( 'administrator' );
		$before = get_option( Settings::OPTION );
		foreach ( array(
			'no reason'       => array( 'reason' => '' ),
			'impossible date' => array( 'expires' => '2026-02-30' ),
			'not an app name' => array( 'app' => 'Hello Web' ),
			'no one'          => array( 'by' => '' ),
		) as $what => $change ) {
			$environments                            = Settings::environments();
			$environments[0]['policy']['exemptions'] = array(
				array_merge(
					array(
						'id'      => 'CVE-2019-14697',
						'app'     => '*',
						'reason'  => 'accepted',
						'by'      => 'admin',
						'expires' => '2026-03-31',
					),
					$change
				),
			);
			$response = $this->put( array( 'environments' => $environments ) );
			$this->assertSame( 400, $response->get_status(), $what );
			$this->assertSame( $before, get_option( Settings::OPTION ), $what . ': nothing saved' );
		}
	}
}
