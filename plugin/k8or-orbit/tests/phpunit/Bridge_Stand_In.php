<?php
/**
 * The bridge answered through core's pre_http_request, every request recorded.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests;

use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Bridge\Signature;
use K8or\Orbit\Settings\Settings;

/**
 * For controller tests: answers in the agreed shapes, in order (the last one repeats; a started
 * job by default), and checks that every request WordPress sends the bridge is signed.
 */
trait Bridge_Stand_In {

	/** @var list<array{method: string, path: string, body: mixed, headers: array}> */
	private array $sent = array();

	/** @var list<array{int, array}> Answers to give, in order; the last one repeats. */
	private array $answers = array();

	/**
	 * Configures a bridge and answers for it.
	 */
	private function stand_in_for_bridge(): void {
		$this->secret();
		if ( '' === Config::bridge_url() ) {
			$settings              = Settings::get();
			$settings['bridgeUrl'] = 'http://bridge.test:8787';
			update_option( Settings::OPTION, $settings, false );
		}
		add_filter( 'pre_http_request', array( $this, 'bridge_stand_in' ), 10, 3 );
	}

	/**
	 * Stops answering for the bridge.
	 */
	private function remove_bridge_stand_in(): void {
		remove_filter( 'pre_http_request', array( $this, 'bridge_stand_in' ), 10 );
	}

	/**
	 * Records a request to the bridge and answers it.
	 *
	 * @param mixed  $pre  Earlier short-circuit.
	 * @param array  $args Request arguments.
	 * @param string $url  URL.
	 */
	public function bridge_stand_in( $pre, $args, $url ): array {
		$path = (string) substr( $url, strlen( Config::bridge_url() ) );
		$body = (string) ( $args['body'] ?? '' );
		$this->assertTrue( Signature::verify( Config::bridge_secret(), $args['method'], $path, $args['headers'], $body ), 'every bridge call is signed' );
		$this->sent[]            = array(
			'method'  => $args['method'],
			'path'    => $path,
			'body'    => json_decode( $body, true ),
			'headers' => $args['headers'],
		);
		list( $status, $answer ) = count( $this->answers ) > 1 ? array_shift( $this->answers ) : ( $this->answers[0] ?? array( 202, array( 'jobId' => 'job-1', 'revision' => 1 ) ) );
		return array(
			'headers'  => array( 'content-type' => 'application/json' ),
			'body'     => (string) wp_json_encode( $answer ),
			'response' => array(
				'code'    => $status,
				'message' => '',
			),
			'cookies'  => array(),
			'filename' => null,
		);
	}
}
