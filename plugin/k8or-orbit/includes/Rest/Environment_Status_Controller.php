<?php
/**
 * /apps/{id}/environments/{environment}/status: Refresh, a fresh look at what runs in the cluster.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * The bridge reads the cluster (or Argo CD) in a cluster-status job; its events bring the new
 * state to the app like a deploy's do. Asking is for users who may deploy to the environment.
 */
final class Environment_Status_Controller extends Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps/(?P<id>[\d]+)/environments/(?P<environment>[a-z0-9-]+)/status';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(
						'id'          => $this->app_id_arg(),
						'environment' => array(
							'description' => __( 'Environment name.', 'k8or-orbit' ),
							'type'        => 'string',
							'enum'        => Settings::environment_names(),
							'required'    => true,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Refreshing needs the environment's deploy capability.
	 *
	 * @param WP_REST_Request $request Request with a valid environment.
	 * @return bool|WP_Error
	 */
	public function create_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::deploy( (string) $request['environment'] ) );
	}

	/**
	 * Starts a cluster-status job for the app in the environment.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function create_item( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$name  = (string) $request['environment'];
		$state = App_Meta::read( $post->ID, App_Meta::ENVIRONMENTS )[ $name ] ?? array();
		if ( empty( $state['revision'] ) ) {
			return new WP_Error(
				'orbit_not_deployed',
				__( 'This app has not been deployed to this environment yet; there is nothing running to refresh.', 'k8or-orbit' ),
				array( 'status' => 409 )
			);
		}
		if ( isset( $state['jobId'] ) ) {
			return new WP_Error(
				'orbit_environment_busy',
				__( 'A job is changing this environment now; refresh once it has ended.', 'k8or-orbit' ),
				array( 'status' => 409 )
			);
		}
		$environment = Settings::environment_named( $name );
		$answer      = $this->bridge()->request(
			'POST',
			'/v1/apps/' . App_Post_Type::app_name( $post ) . '/status',
			array(
				'actor'       => $this->actor(),
				'environment' => $name,
				'mode'        => $environment['mode'],
				'namespace'   => $environment['namespace'],
				// The bridge lays the live facts over the state WordPress holds and sends it back.
				'state'       => $state,
			),
			wp_generate_uuid4()
		);
		return $this->relay( $answer, $this->get_item_schema() );
	}

	/**
	 * The schema of a started Refresh.
	 */
	protected function build_schema(): array {
		$job_id                = self::answer_string( 128 );
		$job_id['description'] = __( 'The cluster-status job started.', 'k8or-orbit' );
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-environment-status-refresh',
			),
			self::answer_object( array( 'jobId' => $job_id ), array( 'jobId' ) )
		);
	}
}
