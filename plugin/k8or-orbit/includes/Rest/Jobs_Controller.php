<?php
/**
 * /jobs/{id} and /jobs/{id}/events: a job's progress and its event log.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Reads job state and events from the bridge for users with orbit_read_jobs.
 */
final class Jobs_Controller extends Controller {

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$this->rest_base = 'jobs';
		$job_id          = array(
			'description' => __( 'Job id.', 'k8or-orbit' ),
			'type'        => 'string',
			'required'    => true,
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>[A-Za-z0-9._:-]{1,128})',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array( 'id' => $job_id ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>[A-Za-z0-9._:-]{1,128})/events',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_events' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array_merge( array( 'id' => $job_id ), $this->event_page_args() ),
				),
				'schema' => fn() => $this->event_page_schema( 'orbit-job-events' ),
			)
		);
	}

	/**
	 * Jobs are for users with orbit_read_jobs.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * A job and its steps.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		return $this->relay( $this->bridge()->request( 'GET', '/v1/jobs/' . rawurlencode( $request['id'] ) ), $this->get_item_schema() );
	}

	/**
	 * A page of the job's events, newest first.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_events( $request ) {
		return $this->relay( $this->bridge()->request( 'GET', '/v1/jobs/' . rawurlencode( $request['id'] ) . '/events' . $this->event_page_query( $request ) ), $this->event_page_schema( 'orbit-job-events' ) );
	}

	/**
	 * The job schema: what the bridge reports of a job and its steps.
	 */
	protected function build_schema(): array {
		$date = self::answer_string( 40, array( 'format' => 'date-time' ) );
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-job',
			),
			self::answer_object(
				array(
					'jobId'       => self::answer_string( 128 ),
					'kind'        => self::answer_string( 32, array( 'pattern' => '^[a-z0-9-]+$' ) ),
					'appName'     => self::answer_string( 63, array( 'pattern' => Contract::pattern( 'appName' ) ) ),
					'environment' => self::answer_string( 63 ),
					'status'      => self::answer_string( 16, array( 'enum' => array( 'queued', 'running', 'succeeded', 'failed' ) ) ),
					'steps'       => self::answer_array(
						self::answer_object(
							array(
								'name'   => self::answer_string( 64 ),
								'status' => self::answer_string( 16, array( 'enum' => array( 'pending', 'running', 'done' ) ) ),
								'runs'   => self::answer_count(),
							),
							array( 'name', 'status' )
						),
						100
					),
					'error'       => self::answer_object(
						array(
							'step'    => self::answer_string( 64 ),
							'code'    => self::answer_string( 100 ),
							'message' => self::answer_string( 4000 ),
						)
					),
					'createdAt'   => $date,
					'updatedAt'   => $date,
				),
				array( 'jobId', 'kind', 'status', 'steps' )
			)
		);
	}
}
