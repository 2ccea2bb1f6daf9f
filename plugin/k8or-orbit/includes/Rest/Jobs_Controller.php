<?php
/**
 * /jobs/{id} and /jobs/{id}/events: a job's progress and its event log.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
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
		return $this->relay( $this->bridge()->request( 'GET', '/v1/jobs/' . rawurlencode( $request['id'] ) ) );
	}

	/**
	 * A page of the job's events, newest first.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_events( $request ) {
		return $this->relay( $this->bridge()->request( 'GET', '/v1/jobs/' . rawurlencode( $request['id'] ) . '/events' . $this->event_page_query( $request ) ) );
	}

	/**
	 * The job schema.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		$text = array(
			'type'     => 'string',
			'context'  => $both,
			'readonly' => true,
		);
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-job',
			'type'       => 'object',
			'properties' => array(
				'jobId'       => $text,
				'kind'        => $text,
				'appName'     => $text,
				'environment' => $text,
				'status'      => $text,
				'steps'       => array(
					'type'     => 'array',
					'items'    => array( 'type' => 'object' ),
					'context'  => $both,
					'readonly' => true,
				),
			),
		);
	}
}
