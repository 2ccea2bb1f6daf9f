<?php
/**
 * Every route of k8or-orbit/v1, called as every kind of user.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * Reads the routes from the REST server, so a new route without an expectation fails here.
 */
final class Permission_Matrix_Test extends Orbit_Test_Case {

	private const ROLES = array( 'anonymous', 'subscriber', 'editor', Roles::OPERATOR, 'administrator' );

	/**
	 * Who may call each route: 'public', 'signed' (bridge callbacks), or the capabilities of which one suffices.
	 * Each entry also names a request that is valid apart from permissions ({app} is a published app's id).
	 */
	private function expectations(): array {
		return array(
			'GET /k8or-orbit/v1'                                 => array( 'public', '/k8or-orbit/v1' ),
			'GET /k8or-orbit/v1/apps'                            => array( 'public', '/k8or-orbit/v1/apps' ),
			'GET /k8or-orbit/v1/apps/(?P<id>[\d]+)'              => array( 'public', '/k8or-orbit/v1/apps/{app}' ),
			'GET /k8or-orbit/v1/environments'                    => array( 'public', '/k8or-orbit/v1/environments' ),
			'POST /k8or-orbit/v1/uploads'                        => array(
				array( 'orbit_upload' ),
				'/k8or-orbit/v1/uploads',
				array(
					'appName'  => 'orbit-matrix-check',
					'version'  => '1.0.0',
					'filename' => 'image.tar',
					'size'     => 1024,
				),
			),
			'GET /k8or-orbit/v1/uploads/(?P<id>[A-Za-z0-9._~-]{1,256})' => array( array( 'orbit_upload' ), '/k8or-orbit/v1/uploads/no-such-upload' ),
			'DELETE /k8or-orbit/v1/uploads/(?P<id>[A-Za-z0-9._~-]{1,256})' => array( array( 'orbit_upload' ), '/k8or-orbit/v1/uploads/no-such-upload' ),
			'POST /k8or-orbit/v1/uploads/(?P<id>[A-Za-z0-9._~-]{1,256})/complete' => array(
				array( 'orbit_upload' ),
				'/k8or-orbit/v1/uploads/no-such-upload/complete',
				array(
					'parts' => array(
						array(
							'partNumber' => 1,
							'etag'       => '"abc"',
						),
					),
					'app'   => array(
						'name'        => 'orbit-matrix-check',
						'title'       => 'Matrix check',
						'environment' => 'dev',
					),
				),
			),
			'GET /k8or-orbit/v1/apps/(?P<id>[\d]+)/scan'         => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/apps/{app}/scan' ),
			'POST /k8or-orbit/v1/apps/(?P<id>[\d]+)/scan'        => array( array( 'orbit_scan' ), '/k8or-orbit/v1/apps/{app}/scan' ),
			'GET /k8or-orbit/v1/apps/(?P<id>[\d]+)/events'       => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/apps/{app}/events' ),
			'GET /k8or-orbit/v1/apps/(?P<id>[\d]+)/deployments'  => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/apps/{app}/deployments', array( 'environment' => 'dev' ) ),
			// Inputs that fail the checks: allowed users get 400 without a deploy starting on the bridge.
			'POST /k8or-orbit/v1/apps/(?P<id>[\d]+)/deployments' => array(
				array( 'orbit_deploy_dev' ),
				'/k8or-orbit/v1/apps/{app}/deployments',
				array(
					'environment' => 'dev',
					'inputs'      => array( 'replicas' => -1 ),
				),
			),
			'GET /k8or-orbit/v1/apps/(?P<id>[\d]+)/deployments/preview' => array(
				array( 'orbit_deploy_dev' ),
				'/k8or-orbit/v1/apps/{app}/deployments/preview',
				array(
					'environment' => 'dev',
					'inputs'      => '{"replicas":-1}',
				),
			),
			'POST /k8or-orbit/v1/apps/(?P<id>[\d]+)/rollbacks'  => array(
				array( 'orbit_deploy_dev' ),
				'/k8or-orbit/v1/apps/{app}/rollbacks',
				array(
					'environment' => 'dev',
					'revision'    => 1,
				),
			),
			// The matrix's app was never deployed: allowed users get 409 without a job starting.
			'POST /k8or-orbit/v1/apps/(?P<id>[\d]+)/environments/(?P<environment>[a-z0-9-]+)/status' => array( array( 'orbit_deploy_dev' ), '/k8or-orbit/v1/apps/{app}/environments/dev/status' ),
			'GET /k8or-orbit/v1/apps/(?P<id>[\d]+)/manifests'    => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/apps/{app}/manifests', array( 'environment' => 'dev' ) ),
			'GET /k8or-orbit/v1/apps/(?P<id>[\d]+)/versions'     => array( 'public', '/k8or-orbit/v1/apps/{app}/versions' ),
			'GET /k8or-orbit/v1/jobs/(?P<id>[A-Za-z0-9._:-]{1,128})' => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/jobs/no-such-job' ),
			'GET /k8or-orbit/v1/jobs/(?P<id>[A-Za-z0-9._:-]{1,128})/events' => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/jobs/no-such-job/events' ),
			'GET /k8or-orbit/v1/live'                            => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/live', array( 'job' => '00000000-0000-4000-8000-000000000000' ) ),
			'GET /k8or-orbit/v1/settings'                        => array( array( 'orbit_manage_settings' ), '/k8or-orbit/v1/settings' ),
			'PUT /k8or-orbit/v1/settings'                        => array( array( 'orbit_manage_settings' ), '/k8or-orbit/v1/settings', array() ),
			'POST /k8or-orbit/v1/bridge/events'                  => array( 'signed', '/k8or-orbit/v1/bridge/events', array( 'events' => array() ) ),
			'GET /k8or-orbit/v1/bridge/status'                   => array( array( 'orbit_read_jobs', 'orbit_manage_settings' ), '/k8or-orbit/v1/bridge/status' ),
			'GET /k8or-orbit/v1/dead-letters'                    => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/dead-letters' ),
			'POST /k8or-orbit/v1/dead-letters/(?P<id>[0-9]{13}-[A-Za-z0-9._:-]{1,128}-[0-9]{1,10})/deliver' => array( array( 'orbit_read_jobs' ), '/k8or-orbit/v1/dead-letters/0000000000000-no-such-job-1/deliver' ),
		);
	}

	public function test_every_route_answers_each_role_as_expected(): void {
		$expectations = $this->expectations();
		$app_id       = $this->app();
		$users        = array();
		foreach ( self::ROLES as $role ) {
			$users[ $role ] = $this->user( $role );
		}

		$seen     = array();
		$failures = array();
		foreach ( rest_get_server()->get_routes( 'k8or-orbit/v1' ) as $route => $handlers ) {
			foreach ( $handlers as $handler ) {
				foreach ( array_keys( array_filter( $handler['methods'] ) ) as $method ) {
					$key = $method . ' ' . $route;
					if ( 'HEAD' === $method ) {
						continue;
					}
					$seen[] = $key;
					if ( ! isset( $expectations[ $key ] ) ) {
						$failures[] = "$key has no expectation: add it to the table with who may call it";
						continue;
					}
					list( $access, $path ) = $expectations[ $key ];
					$params                = $expectations[ $key ][2] ?? array();
					foreach ( self::ROLES as $role ) {
						wp_set_current_user( $users[ $role ] );
						$request = new WP_REST_Request( $method, str_replace( '{app}', (string) $app_id, $path ) );
						if ( 'GET' === $method ) {
							$request->set_query_params( $params );
						} else {
							$request->set_header( 'Content-Type', 'application/json' );
							$request->set_body( (string) wp_json_encode( (object) $params ) );
						}
						$response = $this->dispatch( $request );
						$status   = $response->get_status();
						$this->abort_started_upload( $response );
						$expected = $this->expected( $access, $role );
						$ok       = 'allowed' === $expected ? ! in_array( $status, array( 401, 403 ), true ) : $status === $expected;
						if ( ! $ok ) {
							$failures[] = sprintf( '%s as %s: got %d, expected %s', $key, $role, $status, $expected );
						}
					}
				}
			}
		}
		foreach ( array_diff( array_keys( $expectations ), $seen ) as $stale ) {
			$failures[] = "$stale is in the table but not registered";
		}
		$this->assertSame( array(), $failures, implode( "\n", $failures ) );
	}

	/**
	 * Aborts an upload the matrix started on a running bridge, leaving no multipart upload behind.
	 *
	 * @param \WP_REST_Response $response Answer of a call.
	 */
	private function abort_started_upload( \WP_REST_Response $response ): void {
		$data = $response->get_data();
		if ( 201 === $response->get_status() && is_array( $data ) && isset( $data['uploadId'] ) ) {
			$this->dispatch( new WP_REST_Request( 'DELETE', '/k8or-orbit/v1/uploads/' . rawurlencode( $data['uploadId'] ) ) );
		}
	}

	/**
	 * The status a role must get: 401, 403, or 'allowed' (anything but 401/403: the bridge may be down).
	 *
	 * @param string|list<string> $access Route access.
	 * @param string              $role   Role.
	 * @return int|string
	 */
	private function expected( $access, string $role ) {
		if ( 'public' === $access ) {
			return 200;
		}
		if ( 'signed' === $access ) {
			return 401;
		}
		if ( 'anonymous' === $role ) {
			return 401;
		}
		foreach ( $access as $capability ) {
			if ( get_role( $role )->has_cap( $capability ) ) {
				return 'allowed';
			}
		}
		return 403;
	}

	public function test_the_table_expects_operators_to_be_kept_out_of_settings_and_visitors_out_of_jobs(): void {
		// Guards the table itself against being loosened.
		$this->assertSame( 403, $this->expected( array( 'orbit_manage_settings' ), Roles::OPERATOR ) );
		$this->assertSame( 401, $this->expected( array( 'orbit_read_jobs' ), 'anonymous' ) );
		$this->assertSame( 403, $this->expected( array( 'orbit_read_jobs' ), 'editor' ) );
		$this->assertSame( 'allowed', $this->expected( array( 'orbit_manage_settings' ), 'administrator' ) );
	}
}
