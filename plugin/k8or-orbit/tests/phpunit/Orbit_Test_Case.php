<?php
/**
 * Fixtures shared by the tests: users per role, app posts, signed callbacks. Everything made is removed.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests;

use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Bridge\Signature;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Settings\Settings;
use PHPUnit\Framework\TestCase;
use WP_REST_Request;
use WP_REST_Response;

/**
 * Base class of the plugin tests, running against the real WordPress and database.
 */
abstract class Orbit_Test_Case extends TestCase {

	/** @var list<int> */
	private array $user_ids = array();

	/** @var list<int> */
	private array $post_ids = array();

	/** @var list<int> */
	private array $term_ids = array();

	/** @var list<string> */
	private array $job_ids = array();

	/** @var mixed */
	private $settings_before;

	private bool $settings_existed;

	protected function setUp(): void {
		parent::setUp();
		$this->settings_existed = false !== get_option( Settings::OPTION, false );
		$this->settings_before  = get_option( Settings::OPTION );
		wp_set_current_user( 0 );
	}

	protected function tearDown(): void {
		global $wpdb;
		wp_set_current_user( 0 );
		foreach ( $this->post_ids as $id ) {
			wp_delete_post( $id, true );
		}
		foreach ( $this->term_ids as $id ) {
			wp_delete_term( $id, 'orbit_category' );
		}
		foreach ( $this->user_ids as $id ) {
			wp_delete_user( $id );
		}
		foreach ( $this->job_ids as $job_id ) {
			$wpdb->delete( $wpdb->prefix . 'orbit_applied_events', array( 'job_id' => $job_id ) );
		}
		if ( $this->settings_existed ) {
			update_option( Settings::OPTION, $this->settings_before, false );
		} else {
			delete_option( Settings::OPTION );
		}
		\K8or\Orbit\Access\Roles::sync();
		parent::tearDown();
	}

	/**
	 * A user with a role, or 0 for a visitor.
	 *
	 * @param string $role Role name, or 'anonymous'.
	 */
	protected function user( string $role ): int {
		if ( 'anonymous' === $role ) {
			return 0;
		}
		$login = 'orbit-test-' . $role . '-' . wp_generate_password( 8, false );
		$id    = wp_insert_user(
			array(
				'user_login' => $login,
				'user_pass'  => wp_generate_password( 24 ),
				'user_email' => $login . '@example.test',
				'role'       => $role,
			)
		);
		$this->assertIsInt( $id, 'could not create a fixture user' );
		$this->user_ids[] = $id;
		return $id;
	}

	/**
	 * Acts as a user of the role (or as a visitor).
	 *
	 * @param string $role Role name, or 'anonymous'.
	 */
	protected function act_as( string $role ): int {
		$id = $this->user( $role );
		wp_set_current_user( $id );
		return $id;
	}

	/**
	 * A unique app name.
	 */
	protected function app_name(): string {
		return 'orbit-test-' . strtolower( wp_generate_password( 10, false ) );
	}

	/**
	 * Creates an app post with meta written through App_Meta.
	 *
	 * @param array<string, mixed> $post Post fields.
	 * @param array<string, array> $meta Meta values keyed by meta key.
	 */
	protected function app( array $post = array(), array $meta = array() ): int {
		$name = $post['post_name'] ?? $this->app_name();
		$id   = wp_insert_post(
			array_merge(
				array(
					'post_type'   => App_Post_Type::NAME,
					'post_status' => 'publish',
					'post_name'   => $name,
					'post_title'  => 'Test ' . $name,
				),
				$post
			),
			true
		);
		$this->assertIsInt( $id );
		$this->post_ids[] = $id;
		foreach ( $meta as $key => $value ) {
			$this->assertTrue( App_Meta::write( $id, $key, $value ) );
		}
		return $id;
	}

	/**
	 * Remembers a post the code under test created, for clean-up.
	 *
	 * @param int $id Post id.
	 */
	protected function track_post( int $id ): void {
		$this->post_ids[] = $id;
		foreach ( wp_get_object_terms( $id, 'orbit_category', array( 'fields' => 'ids' ) ) as $term_id ) {
			$this->term_ids[] = (int) $term_id;
		}
	}

	/**
	 * Remembers a category term the test made, for clean-up.
	 *
	 * @param int $id Term id.
	 */
	protected function track_term( int $id ): void {
		$this->term_ids[] = $id;
	}

	/**
	 * A new job id, cleaned up afterwards.
	 */
	protected function job_id(): string {
		$id              = 'test-job-' . wp_generate_uuid4();
		$this->job_ids[] = $id;
		return $id;
	}

	/**
	 * The shared secret, set in the settings for the test when no constant provides one.
	 */
	protected function secret(): string {
		if ( strlen( Config::bridge_secret() ) < 32 ) {
			$settings                 = Settings::get();
			$settings['bridgeSecret'] = str_repeat( 's', 40 );
			update_option( Settings::OPTION, $settings, false );
		}
		return Config::bridge_secret();
	}

	/**
	 * A callback request signed like the bridge signs it.
	 *
	 * @param array<string, mixed> $body      JSON body.
	 * @param array<string, mixed> $overrides Changes: 'secret', 'time', 'request_id', 'body_after_signing'.
	 */
	protected function signed_callback( array $body, array $overrides = array() ): WP_REST_Request {
		$route   = '/k8or-orbit/v1/bridge/events';
		$raw     = (string) wp_json_encode( $body );
		$headers = Signature::headers( $overrides['secret'] ?? $this->secret(), 'POST', $route, $raw, $overrides['time'] ?? time(), $overrides['request_id'] ?? null );
		$request = new WP_REST_Request( 'POST', $route );
		$request->set_header( 'Content-Type', 'application/json' );
		foreach ( $headers as $name => $value ) {
			$request->set_header( $name, $value );
		}
		$request->set_body( $overrides['body_after_signing'] ?? $raw );
		return $request;
	}

	/**
	 * Dispatches a request through the REST server.
	 *
	 * @param WP_REST_Request $request Request.
	 */
	protected function dispatch( WP_REST_Request $request ): WP_REST_Response {
		return rest_do_request( $request );
	}

	/**
	 * One event as the bridge sends it.
	 *
	 * @param string               $job_id Job id.
	 * @param int                  $seq    Sequence number.
	 * @param string               $app    App name.
	 * @param string               $time   ISO time.
	 * @param array<string, mixed> $data   Event data.
	 */
	protected function event( string $job_id, int $seq, string $app, string $time, array $data = array() ): array {
		return array(
			'jobId'       => $job_id,
			'seq'         => $seq,
			'name'        => 'database-updated',
			'step'        => 'database',
			'outcome'     => 'succeeded',
			'appName'     => $app,
			'environment' => 'dev',
			'actor'       => array(
				'id'    => 0,
				'login' => 'tester',
			),
			'time'        => $time,
			'data'        => (object) $data,
		);
	}

	/**
	 * Facts of an uploaded image.
	 */
	protected function image_facts(): array {
		return array(
			'repository'     => 'orbit/hello-web',
			'tag'            => '1.0.0',
			'manifestDigest' => 'sha256:' . str_repeat( 'a', 64 ),
			'configDigest'   => 'sha256:' . str_repeat( 'b', 64 ),
			'size'           => 7340032,
			'os'             => 'linux',
			'architecture'   => 'amd64',
			'exposedPorts'   => array( '8080/tcp' ),
			'layerCount'     => 3,
			'uploadedBy'     => array(
				'id'    => 2,
				'login' => 'operator',
			),
			'uploadedAt'     => '2026-11-27T21:00:00.000Z',
		);
	}
}
