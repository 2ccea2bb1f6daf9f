<?php
/**
 * /apps/{id}/rollbacks: redeploy an earlier revision of an app in an environment.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Deploy\Environment_Policy;
use K8or\Orbit\Settings\Settings;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * A rollback is a deploy of what an earlier revision ran. WordPress names only the revision: the
 * bridge reads its image and inputs from the revision it stored, so nothing a browser sends can
 * change what is deployed. Same capability as a deploy to that environment.
 */
final class Rollbacks_Controller extends Deploy_Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps/(?P<id>[\d]+)/rollbacks';
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
						'environment' => $this->environment_arg(),
						'revision'    => array(
							'description' => __( 'The earlier revision to deploy again.', 'k8or-orbit' ),
							'type'        => 'integer',
							'minimum'     => 1,
							'maximum'     => PHP_INT_MAX,
							'required'    => true,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Starts the deploy job of the rollback; the bridge refuses (409) an unknown revision, the
	 * revision running now, an image no longer stored and a deploy of the app there running.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		$post = $this->deployable_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$environment = (string) $request['environment'];
		return $this->start_deploy_job(
			'/v1/apps/' . App_Post_Type::app_name( $post ) . '/rollbacks',
			array(
				'environment' => $environment,
				'revision'    => (int) $request['revision'],
				'policy'      => Environment_Policy::for_environment( $environment ),
				'actor'       => $this->actor(),
				'mode'        => Settings::environment_named( $environment )['mode'],
			),
			$request
		);
	}

	/**
	 * The schema of a started rollback.
	 */
	protected function build_schema(): array {
		$job_id                = self::answer_string( 128 );
		$job_id['description'] = __( 'The deploy job the rollback started.', 'k8or-orbit' );
		$number                = self::answer_count();
		$number['description'] = __( 'The new revision, running what the chosen one ran.', 'k8or-orbit' );
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-rollback',
			),
			self::answer_object(
				array(
					'jobId'    => $job_id,
					'revision' => $number,
				),
				array( 'jobId', 'revision' )
			)
		);
	}
}
