<?php
/**
 * /apps/{id}/scan: start a scan, read the summary and findings.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Settings\Settings;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Scans run on the bridge; WordPress checks who may ask and names the app.
 */
final class Scan_Controller extends Controller {

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps/(?P<id>[\d]+)/scan';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array( 'id' => $this->app_id_arg() ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(
						'id'          => $this->app_id_arg(),
						'environment' => array(
							'description' => __( 'Environment whose stored image is scanned; the first environment when omitted.', 'k8or-orbit' ),
							'type'        => 'string',
							'enum'        => Settings::environment_names(),
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Reading scan results needs orbit_read_jobs.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * Starting a scan needs orbit_scan.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function create_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::SCAN );
	}

	/**
	 * The summary and the findings of the latest scan.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		return $this->relay( $this->bridge()->request( 'GET', '/v1/apps/' . App_Post_Type::app_name( $post ) . '/scan' ) );
	}

	/**
	 * Starts a scan job.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$environment = $request['environment'] ?? ( Settings::environment_names()[0] ?? '' );
		$idempotency = $request->get_header( 'Idempotency-Key' );
		return $this->relay(
			$this->bridge()->request(
				'POST',
				'/v1/apps/' . App_Post_Type::app_name( $post ) . '/scan',
				array(
					'actor'       => $this->actor(),
					'environment' => $environment,
				),
				null !== $idempotency && preg_match( '/^[A-Za-z0-9._:-]{8,128}$/', $idempotency ) ? $idempotency : wp_generate_uuid4()
			)
		);
	}

	/**
	 * The answer schema: the summary and the findings.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-scan',
			'type'       => 'object',
			'properties' => array(
				'jobId'    => array(
					'description' => __( 'The scan job started (POST).', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $both,
					'readonly'    => true,
				),
				'summary'  => array(
					'description' => __( 'Status and counts per severity (GET).', 'k8or-orbit' ),
					'type'        => 'object',
					'context'     => $both,
					'readonly'    => true,
				),
				'findings' => array(
					'description' => __( 'Vulnerabilities found (GET).', 'k8or-orbit' ),
					'type'        => 'array',
					'items'       => array( 'type' => 'object' ),
					'context'     => $both,
					'readonly'    => true,
				),
			),
		);
	}
}
