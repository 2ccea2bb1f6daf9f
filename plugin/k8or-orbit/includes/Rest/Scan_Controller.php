<?php
/**
 * /apps/{id}/scan: start a scan, read the summary and findings.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Contract\Contract;
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
		$version         = array_merge(
			array( 'description' => __( 'Version label; the newest version when omitted.', 'k8or-orbit' ) ),
			App_Meta::version_label_schema()
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array(
						'id'      => $this->app_id_arg(),
						'version' => $version,
					),
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
						'version'     => $version,
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
		$query = isset( $request['version'] ) ? '?version=' . rawurlencode( $request['version'] ) : '';
		return $this->relay( $this->bridge()->request( 'GET', '/v1/apps/' . App_Post_Type::app_name( $post ) . '/scan' . $query ), $this->get_item_schema() );
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
				array_merge(
					array(
						'actor'       => $this->actor(),
						'environment' => $environment,
						'policies'    => (object) Settings::policies(),
					),
					isset( $request['version'] ) ? array( 'version' => $request['version'] ) : array()
				),
				null !== $idempotency && preg_match( '/^[A-Za-z0-9._:-]{8,128}$/', $idempotency ) ? $idempotency : wp_generate_uuid4()
			),
			$this->get_item_schema()
		);
	}

	/**
	 * The answer schema: the job started (POST), or the summary and the findings (GET).
	 */
	protected function build_schema(): array {
		$severity = self::answer_string( 16, array( 'pattern' => '^[A-Za-z]+$' ) );

		// The bridge's scan result is the contract's ScanResult; nothing else is passed on.
		$summary                         = Contract::schema( 'ScanResult' );
		$summary['additionalProperties'] = false;
		$summary['context']              = array( 'view', 'edit' );
		$summary['readonly']             = true;
		$summary['description'] = __( 'Status and counts per severity (GET).', 'k8or-orbit' );

		$findings                = self::answer_array(
			self::answer_object(
				array(
					'id'               => self::answer_string( 200 ),
					'pkg'              => self::answer_string( 300 ),
					'installedVersion' => self::answer_string( 200 ),
					'fixedVersion'     => self::answer_string( 500 ),
					'severity'         => $severity,
					'title'            => self::answer_string( 2000 ),
					'target'           => self::answer_string( 1000 ),
				),
				array( 'id', 'severity' )
			),
			5000
		);
		$findings['description'] = __( 'Vulnerabilities found (GET).', 'k8or-orbit' );

		$job_id                = self::answer_string( 128 );
		$job_id['description'] = __( 'The scan job started (POST).', 'k8or-orbit' );

		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-scan',
			),
			self::answer_object(
				array(
					'jobId'    => $job_id,
					'summary'  => $summary,
					'findings' => $findings,
				)
			)
		);
	}
}
