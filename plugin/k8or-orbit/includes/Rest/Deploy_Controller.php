<?php
/**
 * What the controllers that start deploys share.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Client;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Settings\Settings;
use WP_Error;
use WP_Post;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Deploys and rollbacks: who may start one (the environment's deploy capability), the app it may
 * start on (not a deleted one), and the policy refusal as the browser shows it.
 */
abstract class Deploy_Controller extends Controller {

	/** An Idempotency-Key the browser may send; any other is replaced by a fresh one. */
	protected const IDEMPOTENCY_KEY = '/^[A-Za-z0-9._:-]{8,128}$/';

	/**
	 * Starting a deploy (or previewing one) needs the environment's deploy capability.
	 *
	 * @param WP_REST_Request $request Request with a valid environment.
	 * @return bool|WP_Error
	 */
	public function create_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::deploy( (string) $request['environment'] ) );
	}

	/**
	 * The request's Idempotency-Key when usable, else a fresh one.
	 *
	 * @param WP_REST_Request $request Request.
	 */
	protected function idempotency_key( WP_REST_Request $request ): string {
		$key = (string) $request->get_header( 'Idempotency-Key' );
		return preg_match( self::IDEMPOTENCY_KEY, $key ) ? $key : wp_generate_uuid4();
	}

	/**
	 * Asks the bridge to start a deploy job: 202 {jobId, revision}, or the bridge's refusal.
	 *
	 * @param string          $path    Bridge route.
	 * @param array           $body    Request body.
	 * @param WP_REST_Request $request The REST request (its Idempotency-Key).
	 * @return WP_REST_Response|WP_Error
	 */
	protected function start_deploy_job( string $path, array $body, WP_REST_Request $request ) {
		$answer = $this->bridge()->request( 'POST', $path, $body, $this->idempotency_key( $request ) );
		if ( is_wp_error( $answer ) ) {
			return $this->refusal( $answer );
		}
		return new WP_REST_Response(
			array(
				'jobId'    => (string) ( $answer['body']['jobId'] ?? '' ),
				'revision' => (int) ( $answer['body']['revision'] ?? 0 ),
			),
			202
		);
	}

	/**
	 * The app, unless it is deleted (a deleted app is restored first).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_Post|WP_Error
	 */
	protected function deployable_app( WP_REST_Request $request ) {
		$post = $this->get_app( $request );
		if ( ! is_wp_error( $post ) && App_Meta::is_deleted( $post->ID ) ) {
			return new WP_Error( 'orbit_app_deleted', __( 'This app is deleted. Restore it before deploying it.', 'k8or-orbit' ), array( 'status' => 409 ) );
		}
		return $post;
	}

	/**
	 * A refusal with what the browser shows: a policy block names its findings at the top level.
	 *
	 * @param WP_Error $error The bridge's refusal.
	 * @return WP_REST_Response|WP_Error
	 */
	protected function refusal( WP_Error $error ) {
		if ( 'orbit_policy_blocked' !== $error->get_error_code() ) {
			return $error;
		}
		$answer = $this->relay(
			array(
				'status' => 409,
				'body'   => array(
					'code'     => 'orbit_policy_blocked',
					'message'  => $error->get_error_message(),
					'findings' => Client::answer_of( $error )['findings'] ?? array(),
				),
			),
			self::answer_object(
				array(
					'code'     => self::answer_string( 64 ),
					'message'  => self::answer_string( 4000 ),
					'findings' => self::blocking_findings_schema(),
				)
			)
		);
		if ( ! is_wp_error( $answer ) ) {
			$answer->set_data( array_merge( $answer->get_data(), array( 'data' => array( 'status' => 409 ) ) ) );
		}
		return $answer;
	}

	/**
	 * The `environment` parameter.
	 */
	protected function environment_arg(): array {
		return array(
			'description' => __( 'Environment name.', 'k8or-orbit' ),
			'type'        => 'string',
			'enum'        => Settings::environment_names(),
			'required'    => true,
		);
	}

	/**
	 * The findings that block a deploy, as the bridge names them.
	 */
	protected static function blocking_findings_schema(): array {
		return self::answer_array(
			self::answer_object(
				array(
					'id'               => self::answer_string( 200 ),
					'pkg'              => self::answer_string( 300 ),
					'installedVersion' => self::answer_string( 200 ),
					'fixedVersion'     => self::answer_string( 500 ),
					'severity'         => self::answer_string( 16, array( 'pattern' => '^[A-Za-z]+$' ) ),
				),
				array( 'id' )
			),
			5000
		);
	}
}
