<?php
/**
 * /apps/{id}/deployments: start a deploy, list the revisions, preview a deploy.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Deploy\Deploy_Inputs;
use K8or\Orbit\Deploy\Environment_Policy;
use K8or\Orbit\Settings\Settings;
use WP_Post;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Deploys run on the bridge; WordPress checks who may deploy where, validates the inputs and
 * sends the environment's policy along. Inputs (environment values may be secrets) are shown
 * only to users with orbit_read_jobs.
 */
final class Deployments_Controller extends Deploy_Controller {

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$this->rest_base = 'apps/(?P<id>[\d]+)/deployments';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array(
						'id'          => $this->app_id_arg(),
						'environment' => $this->environment_arg(),
					),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(
						'id'          => $this->app_id_arg(),
						'environment' => $this->environment_arg(),
						'inputs'      => array(
							'description' => __( 'Deploy inputs: replicas, containerPort, resources, env, command, args.', 'k8or-orbit' ),
							'type'        => 'object',
							'required'    => true,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/preview',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_preview' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(
						'id'          => $this->app_id_arg(),
						'environment' => $this->environment_arg(),
						'inputs'      => array(
							'description' => __( 'Deploy inputs as JSON.', 'k8or-orbit' ),
							'type'        => 'string',
							'required'    => true,
							'maxLength'   => Deploy_Inputs::limit( 'bytes' ),
						),
					),
				),
				'schema' => array( $this, 'get_preview_schema' ),
			)
		);
	}

	/**
	 * Revisions show inputs and environment values: orbit_read_jobs only.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|WP_Error
	 */
	public function get_items_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * The revisions of the app in the environment, newest first, and the inputs to prefill a form with.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_items( $request ) {
		$post = $this->get_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$environment = (string) $request['environment'];
		$answer      = $this->relay(
			$this->bridge()->request( 'GET', $this->bridge_path( $post ) . '?' . http_build_query( array( 'environment' => $environment ), '', '&', PHP_QUERY_RFC3986 ) ),
			self::answer_object( array( 'items' => $this->get_item_schema()['properties']['items'] ), array( 'items' ) )
		);
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		$items = array_values( (array) ( $answer->get_data()['items'] ?? array() ) );
		$last  = is_array( $items[0]['inputs'] ?? null ) ? $items[0]['inputs'] : null;
		return new WP_REST_Response(
			array(
				'items'    => $items,
				'defaults' => Deploy_Inputs::defaults( $post->ID, $last ),
			),
			200
		);
	}

	/**
	 * Starts a deploy job.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function create_item( $request ) {
		$post = $this->deployable_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$environment = (string) $request['environment'];
		$inputs      = Deploy_Inputs::check( $request['inputs'] );
		if ( is_wp_error( $inputs ) ) {
			return $inputs;
		}
		$body        = array(
			'environment' => $environment,
			'inputs'      => $inputs,
			'policy'      => Environment_Policy::for_environment( $environment ),
			'actor'       => $this->actor(),
			// How the commit reaches the cluster: Argo CD syncs it, or the bridge applies it.
			'mode'        => Settings::environment_named( $environment )['mode'],
		);
		$version     = App_Meta::read( $post->ID, App_Meta::IMAGE )['tag'] ?? '';
		if ( '' !== $version ) {
			$body['version'] = $version;
		}
		// The environment's state changes only through the job's own events, so a deploy that
		// fails leaves it as it was.
		return $this->start_deploy_job( $this->bridge_path( $post ), $body, $request );
	}

	/**
	 * The verdict, the manifests and their diff against the running revision, without deploying.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_preview( $request ) {
		$post = $this->deployable_app( $request );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$decoded = json_decode( (string) $request['inputs'], true );
		$inputs  = Deploy_Inputs::check( $decoded );
		if ( is_wp_error( $inputs ) ) {
			return $inputs;
		}
		$environment = (string) $request['environment'];
		return $this->relay(
			$this->bridge()->request(
				'POST',
				$this->bridge_path( $post ) . '/preview',
				array(
					'environment' => $environment,
					'inputs'      => $inputs,
					'policy'      => Environment_Policy::for_environment( $environment ),
				)
			),
			$this->get_preview_schema()
		);
	}

	/**
	 * The bridge path of the app's deployments.
	 *
	 * @param WP_Post $post App post.
	 */
	private function bridge_path( WP_Post $post ): string {
		return '/v1/apps/' . App_Post_Type::app_name( $post ) . '/deployments';
	}

	/**
	 * The schema of a preview answer.
	 */
	public function get_preview_schema(): array {
		$line = self::answer_object(
			array(
				'op'   => self::answer_string( 1, array( 'enum' => array( '+', '-', ' ' ) ) ),
				'text' => self::answer_string( self::MAX_FILE_BYTES ),
			),
			array( 'op', 'text' )
		);
		$diff = self::answer_object(
			array(
				'file'   => self::answer_string( 128 ),
				'status' => self::answer_string( 16, array( 'enum' => array( 'added', 'changed', 'unchanged', 'removed' ) ) ),
				'lines'  => self::answer_array( $line, 20000 ),
			),
			array( 'file', 'status' )
		);
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-deployment-preview',
			),
			self::answer_object(
				array(
					'verdict'         => self::answer_object(
						array(
							'environment' => self::answer_string( 63 ),
							'allowed'     => self::answer_boolean(),
							'reason'      => self::answer_string( 32 ),
							'message'     => self::answer_string( 4000 ),
							'blocking'    => self::blocking_findings_schema(),
							'evaluatedAt' => self::answer_string( 40, array( 'format' => 'date-time' ) ),
						),
						array( 'environment', 'allowed' )
					),
					'image'           => self::image_reference_schema(),
					'files'           => self::files_schema(),
					'diff'            => self::answer_array( $diff, 64 ),
					'currentRevision' => array_merge( self::answer_count(), array( 'type' => array( 'integer', 'null' ) ) ),
				),
				array( 'verdict', 'files', 'diff' )
			)
		);
	}

	/**
	 * The schema of the deployments resource: a started job (POST) or the revisions (GET).
	 */
	protected function build_schema(): array {
		$words    = self::answer_array( self::answer_string( 4096 ), 64 );
		$amounts  = self::answer_object(
			array(
				'cpu'    => self::answer_string( 32 ),
				'memory' => self::answer_string( 32 ),
			)
		);
		$inputs   = self::answer_object(
			array(
				'replicas'      => self::answer_count(),
				'containerPort' => self::answer_count(),
				'resources'     => self::answer_object(
					array(
						'requests' => $amounts,
						'limits'   => $amounts,
					)
				),
				'env'           => self::answer_array(
					self::answer_object(
						array(
							'name'  => self::answer_string( 253 ),
							'value' => self::answer_string( 32768 ),
						),
						array( 'name' )
					),
					100
				),
				'command'       => $words,
				'args'          => $words,
			)
		);
		$revision = self::answer_object(
			array(
				'revision'       => self::answer_count(),
				'environment'    => self::answer_string( 63 ),
				'version'        => self::answer_string( 128 ),
				'image'          => self::image_reference_schema(),
				'inputs'         => $inputs,
				'actor'          => self::answer_object(
					array(
						'id'    => self::answer_count(),
						'login' => self::answer_string( 60 ),
					)
				),
				'createdAt'      => self::answer_string( 40, array( 'format' => 'date-time' ) ),
				'jobId'          => self::answer_string( 128 ),
				'commit'         => self::answer_string( 64 ),
				'status'         => self::answer_string( 32 ),
				'rolledBackFrom' => self::answer_count(),
			),
			array( 'revision' )
		);

		$job_id                   = self::answer_string( 128 );
		$job_id['description']    = __( 'The deploy job started (POST).', 'k8or-orbit' );
		$number                   = self::answer_count();
		$number['description']    = __( 'The revision the deploy creates (POST).', 'k8or-orbit' );
		$items                    = self::answer_array( $revision, 1000 );
		$items['description']     = __( 'Revisions, newest first (GET).', 'k8or-orbit' );
		$defaults                 = $inputs;
		$defaults['description']  = __( 'Inputs to prefill a deploy form with: the latest revision\'s, else those given at upload (GET).', 'k8or-orbit' );
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-deployments',
			),
			self::answer_object(
				array(
					'jobId'    => $job_id,
					'revision' => $number,
					'items'    => $items,
					'defaults' => $defaults,
				)
			)
		);
	}
}
