<?php
/**
 * GET /live: short-lived credentials for following one job's events live.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Content\App_Post_Type;
use WP_Error;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Each call hands the current user NATS credentials of their own, valid for minutes and limited
 * to subscribing to the events of one job of an app they may see. The page asks again before
 * they expire; once the user loses orbit_read_jobs, the answer is 403 and the link dies with them.
 */
final class Live_Controller extends Controller {

	private const JOB_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'live';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array(
						'job' => array(
							'description' => __( 'The job whose events the page follows.', 'k8or-orbit' ),
							'type'        => 'string',
							'pattern'     => self::JOB_ID_PATTERN,
							'required'    => true,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Only users who may see jobs get credentials.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * The connection details and this user's credentials.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return \WP_REST_Response|WP_Error
	 */
	public function get_item( $request ) {
		$url = Config::get( 'natsWebsocketUrl' );
		if ( '' === $url ) {
			return new WP_Error(
				'orbit_live_not_configured',
				__( 'Live progress is not set up: define K8OR_ORBIT_NATS_WEBSOCKET_URL in wp-config.php or on Orbit → Settings.', 'k8or-orbit' ),
				array( 'status' => 503 )
			);
		}
		$job = $this->bridge()->request( 'GET', '/v1/jobs/' . rawurlencode( $request['job'] ) );
		if ( is_wp_error( $job ) ) {
			return $job;
		}
		$app_name = (string) ( $job['body']['appName'] ?? '' );
		$visible  = $this->may_see( $app_name, (int) ( $job['body']['actor']['id'] ?? 0 ) );
		if ( is_wp_error( $visible ) ) {
			return $visible;
		}
		$subject     = sprintf( 'orbit.events.%s.%s', $app_name, $request['job'] );
		$credentials = $this->bridge()->request(
			'POST',
			'/v1/live/credentials',
			array(
				'user'     => $this->actor(),
				'subjects' => array( $subject ),
			)
		);
		if ( is_wp_error( $credentials ) ) {
			return $credentials;
		}
		$response = rest_ensure_response(
			array(
				'websocketUrl' => $url,
				'jwt'          => (string) ( $credentials['body']['jwt'] ?? '' ),
				'seed'         => (string) ( $credentials['body']['seed'] ?? '' ),
				'expiresAt'    => (string) ( $credentials['body']['expiresAt'] ?? '' ),
				'subject'      => $subject,
			)
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * Whether the current user may see the app a job belongs to: its post unless trashed, or,
	 * before the first upload has created the post, only the user who started that upload.
	 *
	 * @param string $app_name App name of the job.
	 * @param int    $actor_id Who started the job.
	 * @return true|WP_Error
	 */
	private function may_see( string $app_name, int $actor_id ) {
		$post    = '' === $app_name ? null : App_Post_Type::find_by_name( $app_name );
		$visible = $post ? 'trash' !== $post->post_status : get_current_user_id() === $actor_id;
		return $visible ? true : new WP_Error(
			'orbit_live_forbidden',
			__( 'You may not follow this job: its app is not one you can see.', 'k8or-orbit' ),
			array( 'status' => 403 )
		);
	}

	/**
	 * The answer schema.
	 */
	protected function build_schema(): array {
		$both = array( 'view', 'edit' );
		$text = fn( string $description ) => array(
			'description' => $description,
			'type'        => 'string',
			'context'     => $both,
			'readonly'    => true,
		);
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-live',
			'type'       => 'object',
			'properties' => array(
				'websocketUrl' => $text( __( 'NATS websocket URL.', 'k8or-orbit' ) ),
				'jwt'          => $text( __( 'This user\'s NATS user JWT: subscribe to the subject only.', 'k8or-orbit' ) ),
				'seed'         => $text( __( 'The NKey seed the JWT belongs to.', 'k8or-orbit' ) ),
				'expiresAt'    => $text( __( 'When the credentials expire; ask again before.', 'k8or-orbit' ) ),
				'subject'      => $text( __( 'Subject to subscribe to.', 'k8or-orbit' ) ),
			),
		);
	}
}
