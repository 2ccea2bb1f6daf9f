<?php
/**
 * /dead-letters: refused callbacks, for operators and administrators (orbit_read_jobs).
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Bridge\Client;
use K8or\Orbit\Rest\Dead_Letters_Controller;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * The bridge side is answered through core's pre_http_request, which also records what was asked.
 */
final class Dead_Letters_Controller_Test extends Orbit_Test_Case {

	private const LETTER_ID = '1764576000000-0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60-14';

	/**
	 * Requests that reached the HTTP layer: URL, method and body.
	 *
	 * @var list<array{url: string, method: string, body: mixed}>
	 */
	private array $sent = array();

	protected function setUp(): void {
		parent::setUp();
		$this->sent = array();
		add_filter(
			'pre_http_request',
			function ( $preempt, $args, $url ) {
				$this->sent[] = array(
					'url'    => $url,
					'method' => $args['method'],
					'body'   => $args['body'],
				);
				$path = (string) wp_parse_url( $url, PHP_URL_PATH );
				$body = str_ends_with( $path, '/deliver' )
					? array(
						'letter'     => array_merge( $this->letter(), array( 'status' => 'delivered' ) ),
						'applied'    => 1,
						'duplicates' => 0,
					)
					: array( 'items' => array( array_merge( $this->letter(), array( 'table' => 'orbit-dead-letters' ) ) ) );
				return array(
					'headers'  => array( 'content-type' => 'application/json' ),
					'body'     => wp_json_encode( $body ),
					'response' => array(
						'code'    => 200,
						'message' => '',
					),
					'cookies'  => array(),
					'filename' => null,
				);
			},
			10,
			3
		);
	}

	protected function tearDown(): void {
		remove_all_filters( 'pre_http_request' );
		parent::tearDown();
	}

	/**
	 * A letter as the bridge lists it.
	 */
	private function letter(): array {
		return array(
			'letterId'    => self::LETTER_ID,
			'jobId'       => '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60',
			'appName'     => 'hello-web',
			'environment' => 'dev',
			'events'      => array( $this->event( '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60', 14, 'hello-web', '2026-12-01T08:00:00.000Z' ) ),
			'httpStatus'  => 409,
			'answer'      => 'orbit_app_name_taken: The app page could not get the slug hello-web.',
			'status'      => 'refused',
			'refusals'    => 1,
			'refusedAt'   => '2026-12-01T08:00:01.000Z',
		);
	}

	public function test_roles_below_operator_get_403_and_the_bridge_is_not_asked(): void {
		foreach ( array( 'subscriber', 'editor' ) as $role ) {
			$this->act_as( $role );
			$list = $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/dead-letters' ) );
			$this->assertSame( 403, $list->get_status(), "$role listing" );

			$deliver = new WP_REST_Request( 'POST', '/k8or-orbit/v1/dead-letters/' . self::LETTER_ID . '/deliver' );
			$this->assertSame( 403, $this->dispatch( $deliver )->get_status(), "$role delivering" );
		}
		$this->act_as( 'anonymous' );
		$this->assertSame( 401, $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/dead-letters' ) )->get_status() );
		$this->assertSame( array(), $this->sent );
	}

	public function test_an_operator_lists_them_through_the_schema_and_delivers_one_again(): void {
		$operator   = $this->act_as( Roles::OPERATOR );
		$controller = new Dead_Letters_Controller( new Client( 'http://bridge.test', str_repeat( 'k', 40 ) ) );

		$request = new WP_REST_Request( 'GET', '/k8or-orbit/v1/dead-letters' );
		$request->set_query_params( array( 'limit' => 100 ) );
		$listed = $controller->get_items( $request )->get_data();
		$this->assertCount( 1, $listed['items'] );
		$item     = $listed['items'][0];
		$expected = $this->letter();
		$this->assertSame( 14, $item['events'][0]['seq'] );
		unset( $item['events'], $expected['events'] );
		// The bridge's own property is dropped; the rest passes as sent.
		$this->assertSame( $expected, $item );
		$this->assertSame( 'http://bridge.test/v1/dead-letters?limit=100', $this->sent[0]['url'] );

		$deliver = new WP_REST_Request( 'POST', '/k8or-orbit/v1/dead-letters/' . self::LETTER_ID . '/deliver' );
		$deliver->set_url_params( array( 'id' => self::LETTER_ID ) );
		$answer = $controller->deliver_item( $deliver )->get_data();
		$this->assertSame( 'delivered', $answer['letter']['status'] );
		$this->assertSame( 'POST', $this->sent[1]['method'] );
		$this->assertSame( 'http://bridge.test/v1/dead-letters/' . self::LETTER_ID . '/deliver', $this->sent[1]['url'] );
		$this->assertSame( $operator, json_decode( $this->sent[1]['body'], true )['actor']['id'] );
	}
}
