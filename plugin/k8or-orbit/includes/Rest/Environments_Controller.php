<?php
/**
 * GET /environments: where apps can run.
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
 * Lists the configured environments in promotion order; their infrastructure names only to readers of jobs.
 */
final class Environments_Controller extends Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'environments';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array( 'context' => $this->get_context_param( array( 'default' => 'view' ) ) ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * The list is public: visitors see where apps run.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool
	 */
	public function get_items_permissions_check( $request ) {
		return true;
	}

	/**
	 * Lists the environments.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function get_items( $request ) {
		$items    = array();
		$policies = Settings::policies();
		foreach ( Settings::environments() as $position => $environment ) {
			// Exemptions name people and reasons: the settings screen shows them, not this public list.
			$environment['policy'] = array_diff_key( $policies[ $environment['name'] ], array( 'exemptions' => true ) );
			$items[]               = $this->prepare_response_for_collection( $this->prepare_item_for_response( array_merge( $environment, array( 'order' => $position ) ), $request ) );
		}
		return rest_ensure_response( $items );
	}

	/**
	 * One environment as the current user may see it.
	 *
	 * @param array           $item    Environment settings.
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function prepare_item_for_response( $item, $request ) {
		$context               = current_user_can( Capabilities::READ_JOBS ) ? 'edit' : 'view';
		$item['canDeploy']     = current_user_can( Capabilities::deploy( $item['name'] ) );
		return rest_ensure_response( $this->filter_response_by_context( $item, $context ) );
	}

	/**
	 * The environment schema.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		$edit = array( 'edit' );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-environment',
			'type'       => 'object',
			'properties' => array(
				'name'       => array(
					'description' => __( 'Environment name.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $both,
					'readonly'    => true,
				),
				'order'      => array(
					'description' => __( 'Position in the promotion order, from 0.', 'k8or-orbit' ),
					'type'        => 'integer',
					'context'     => $both,
					'readonly'    => true,
				),
				'canDeploy'  => array(
					'description' => __( 'Whether the current user may deploy here.', 'k8or-orbit' ),
					'type'        => 'boolean',
					'context'     => $both,
					'readonly'    => true,
				),
				'policy'     => array(
					'description' => __( 'Deploy policy.', 'k8or-orbit' ),
					'type'        => 'object',
					'context'     => $both,
					'readonly'    => true,
					'properties'  => array(
						'scanRequired' => array(
							'type'    => 'boolean',
							'context' => $both,
						),
						'maxSeverity'  => array(
							'type'    => 'string',
							'enum'    => Contract::severity_limits(),
							'context' => $both,
						),
					),
				),
				'namespace'  => array(
					'description' => __( 'Kubernetes namespace.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $edit,
					'readonly'    => true,
				),
				'bucket'     => array(
					'description' => __( 'Bucket holding the environment\'s image archives.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $edit,
					'readonly'    => true,
				),
				'registry'   => array(
					'description' => __( 'OCI registry images are pushed to.', 'k8or-orbit' ),
					'type'        => 'string',
					'context'     => $edit,
					'readonly'    => true,
				),
				'mode'       => array(
					'description' => __( 'gitops (commit and let Argo CD sync) or direct (server-side apply).', 'k8or-orbit' ),
					'type'        => 'string',
					'enum'        => Settings::modes(),
					'context'     => $edit,
					'readonly'    => true,
				),
				'restricted' => array(
					'description' => __( 'Only administrators may deploy here.', 'k8or-orbit' ),
					'type'        => 'boolean',
					'context'     => $edit,
					'readonly'    => true,
				),
			),
		);
	}
}
