<?php
/**
 * /uploads: start, resume, complete and abort image uploads, all through the bridge.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * The browser uploads the archive straight to storage with presigned part URLs; WordPress checks
 * who may upload and what, then forwards each step to the bridge signed.
 */
final class Uploads_Controller extends Controller {


	/** S3 multipart uploads have at most 10,000 parts. */

	private const UPLOAD_ID_PATTERN = '[A-Za-z0-9._~-]{1,256}';

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$this->rest_base = 'uploads';
		$upload_id       = array(
			'description' => __( 'Upload id returned when the upload started.', 'k8or-orbit' ),
			'type'        => 'string',
			'required'    => true,
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(
						'appName'  => array(
							'description' => __( 'App name: lowercase letters, digits and dashes, at most 63 characters (a DNS label).', 'k8or-orbit' ),
							'type'        => 'string',
							'pattern'     => Contract::pattern( 'appName' ),
							'required'    => true,
						),
						'version'  => array_merge(
							array(
								'description' => __( 'Version label this upload adds to the app (e.g. 1.0.1): letters, digits, dots, dashes and underscores, at most 64 characters, unique per app.', 'k8or-orbit' ),
								'required'    => true,
							),
							App_Meta::version_label_schema()
						),
						'filename' => array(
							/* translators: %s: the file name extensions accepted. */
							'description' => sprintf( __( 'Name of the image archive file (%s).', 'k8or-orbit' ), implode( ', ', Contract::limit( 'archiveExtensions' ) ) ),
							'type'        => 'string',
							'pattern'     => Contract::pattern( 'archiveFilename' ),
							'maxLength'   => Contract::limit( 'filenameLength' ),
							'required'    => true,
						),
						'size'     => array(
							'description' => __( 'Archive size in bytes.', 'k8or-orbit' ),
							'type'        => 'integer',
							'minimum'     => 1,
							'maximum'     => self::max_archive_bytes(),
							'required'    => true,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>' . self::UPLOAD_ID_PATTERN . ')',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array( 'id' => $upload_id ),
				),
				array(
					'methods'             => WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'delete_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array( 'id' => $upload_id ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>' . self::UPLOAD_ID_PATTERN . ')/complete',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'complete_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => $this->complete_args( $upload_id ),
				),
			)
		);
	}

	/**
	 * Every upload step needs orbit_upload.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function create_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::UPLOAD );
	}

	/**
	 * Starts an upload: the bridge answers with presigned part URLs.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		$refused = $this->refuse_version( (string) $request['appName'], (string) $request['version'] );
		if ( is_wp_error( $refused ) ) {
			return $refused;
		}
		return $this->relay(
			$this->bridge()->request(
				'POST',
				'/v1/uploads',
				array(
					'appName'  => $request['appName'],
					'version'  => $request['version'],
					'filename' => $request['filename'],
					'size'     => (int) $request['size'],
					'actor'    => $this->actor(),
				)
			),
			$this->get_item_schema()
		);
	}

	/**
	 * Refuses a version label the app already has, or a version beyond the most an app keeps, before
	 * any byte is sent. The bridge checks its storage again at completion.
	 *
	 * @param string $app_name App name.
	 * @param string $label    Version label.
	 * @return true|WP_Error
	 */
	private function refuse_version( string $app_name, string $label ) {
		$post = App_Post_Type::find_by_name( $app_name );
		if ( null === $post ) {
			return true;
		}
		$versions = App_Meta::read( $post->ID, App_Meta::VERSIONS );
		if ( isset( $versions[ $label ] ) ) {
			return new WP_Error(
				'orbit_version_exists',
				/* translators: 1: app name, 2: version label. */
				sprintf( __( '%1$s already has a version %2$s; give this upload a new version label.', 'k8or-orbit' ), $app_name, $label ),
				array( 'status' => 409 )
			);
		}
		if ( count( $versions ) >= App_Meta::MAX_VERSIONS ) {
			return new WP_Error(
				'orbit_too_many_versions',
				/* translators: 1: app name, 2: the most versions an app keeps. */
				sprintf( __( '%1$s already has %2$d versions, the most an app keeps.', 'k8or-orbit' ), $app_name, App_Meta::MAX_VERSIONS ),
				array( 'status' => 409 )
			);
		}
		return true;
	}

	/**
	 * Resumes an upload: which parts arrived, fresh URLs for the rest.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		return $this->relay( $this->bridge()->request( 'GET', $this->upload_path( $request['id'] ) ), $this->get_item_schema() );
	}

	/**
	 * Aborts an upload.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function delete_item( $request ) {
		// Administrators may cancel anyone's upload; everyone else only their own (the bridge checks).
		$answer = $this->bridge()->request( 'DELETE', $this->upload_path( $request['id'], current_user_can( 'manage_options' ) ) );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return new WP_REST_Response( null, 204 );
	}

	/**
	 * Completes an upload: the bridge starts the upload job (validate, scan, store, publish).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function complete_item( $request ) {
		$app   = $request['app'];
		$first = Settings::environment_names()[0] ?? '';
		if ( $first !== $app['environment'] ) {
			// Any later environment is reached by promotion, which checks orbit_deploy_<env> and the order.
			return new WP_Error(
				'orbit_upload_first_environment_only',
				sprintf(
					/* translators: 1: the requested environment, 2: the first environment. */
					__( 'An upload goes into the first environment only: %1$s was asked for, uploads go to %2$s. Promote the app to later environments afterwards.', 'k8or-orbit' ),
					$app['environment'],
					$first
				),
				array( 'status' => 400 )
			);
		}
		return $this->relay(
			$this->bridge()->request(
				'POST',
				'/v1/uploads/' . rawurlencode( $request['id'] ) . '/complete',
				array(
					'parts' => array_map(
						fn( $part ) => array(
							'partNumber' => (int) $part['partNumber'],
							'etag'       => (string) $part['etag'],
						),
						$request['parts']
					),
					'actor'    => $this->actor(),
					'policies' => (object) Settings::policies(),
					'app'      => array(
						'name'         => $app['name'],
						'title'        => sanitize_text_field( $app['title'] ),
						'description'  => wp_kses_post( $app['description'] ?? '' ),
						'category'     => sanitize_text_field( $app['category'] ?? '' ),
						'environment'  => $app['environment'],
						'deployInputs' => (object) ( $app['deployInputs'] ?? array() ),
					),
				),
				'complete-' . $request['id']
			),
			$this->get_item_schema()
		);
	}

	/**
	 * The bridge path of an upload, naming who asks (the bridge keeps uploads to their owner).
	 *
	 * @param string $upload_id     Upload id.
	 * @param bool   $administrator Whether the user may act on anyone's upload.
	 */
	private function upload_path( string $upload_id, bool $administrator = false ): string {
		return add_query_arg(
			array(
				'actorId'       => get_current_user_id(),
				'administrator' => $administrator ? '1' : '0',
			),
			'/v1/uploads/' . rawurlencode( $upload_id )
		);
	}

	/**
	 * Arguments of the complete step.
	 *
	 * @param array $upload_id The id argument.
	 */
	private function complete_args( array $upload_id ): array {
		return array(
			'id'    => $upload_id,
			'parts' => array(
				'description' => __( 'Every uploaded part with the ETag storage returned for it.', 'k8or-orbit' ),
				'type'        => 'array',
				'required'    => true,
				'minItems'    => 1,
				'maxItems'    => Contract::limit( 'uploadParts' ),
				'items'       => array(
					'type'                 => 'object',
					'required'             => array( 'partNumber', 'etag' ),
					'additionalProperties' => false,
					'properties'           => array(
						'partNumber' => array(
							'type'    => 'integer',
							'minimum' => 1,
							'maximum' => Contract::limit( 'uploadParts' ),
						),
						'etag'       => array(
							'type'      => 'string',
							'minLength' => 1,
							'maxLength' => Contract::limit( 'etagLength' ),
						),
					),
				),
			),
			'app'   => array(
				'description' => __( 'The catalog entry and where the image goes.', 'k8or-orbit' ),
				'type'        => 'object',
				'required'    => true,
				'properties'  => array(
					'name'         => array(
						'type'     => 'string',
						'pattern'  => Contract::pattern( 'appName' ),
						'required' => true,
					),
					'title'        => array(
						'type'      => 'string',
						'minLength' => 1,
						'maxLength' => Contract::limit( 'titleLength' ),
						'required'  => true,
					),
					'description'  => array(
						'type'      => 'string',
						'maxLength' => Contract::limit( 'descriptionLength' ),
					),
					'category'     => array(
						'type'      => 'string',
						'maxLength' => Contract::limit( 'categoryLength' ),
					),
					'environment'  => array(
						'type'     => 'string',
						'enum'     => Settings::environment_names(),
						'required' => true,
					),
					'deployInputs' => App_Meta::schema( App_Meta::DEPLOY_INPUTS ),
				),
			),
		);
	}

	/**
	 * The answer schema: an upload as started (POST), resumed (GET) or completed (the job started).
	 */
	protected function build_schema(): array {
		$part_number = array_merge( self::answer_count(), array( 'maximum' => Contract::limit( 'uploadParts' ) ) );
		$parts       = self::answer_array(
			self::answer_object(
				array(
					'partNumber' => $part_number,
					'url'        => self::answer_string( 8192, array( 'pattern' => '^https?://' ) ),
				),
				array( 'partNumber', 'url' )
			),
			Contract::limit( 'uploadParts' )
		);

		$parts['description'] = __( 'Presigned URLs of the parts still to upload.', 'k8or-orbit' );
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-upload',
			),
			self::answer_object(
				array(
					'uploadId'      => self::answer_string( 64 ),
					'version'       => self::answer_string( 64 ),
					'key'           => self::answer_string( 1024 ),
					'size'          => self::answer_count(),
					'partSize'      => self::answer_count(),
					'partCount'     => array_merge( self::answer_count(), array( 'maximum' => Contract::limit( 'uploadParts' ) ) ),
					'parts'         => $parts,
					'expiresAt'     => self::answer_string( 40, array( 'format' => 'date-time' ) ),
					'status'        => self::answer_string( 16, array( 'enum' => array( 'open', 'completing', 'aborted' ) ) ),
					'jobId'         => self::answer_string( 128, array( 'type' => array( 'string', 'null' ) ) ),
					'partsListed'   => array(
						'type'     => 'boolean',
						'context'  => array( 'view', 'edit' ),
						'readonly' => true,
					),
					'uploadedParts' => self::answer_array(
						self::answer_object(
							array(
								'partNumber' => $part_number,
								'etag'       => self::answer_string( 200 ),
								'size'       => self::answer_count(),
							)
						),
						Contract::limit( 'uploadParts' )
					),
				)
			)
		);
	}

	/**
	 * The largest archive accepted: K8OR_ORBIT_MAX_ARCHIVE_BYTES when defined, else 4 GiB.
	 */
	public static function max_archive_bytes(): int {
		return defined( 'K8OR_ORBIT_MAX_ARCHIVE_BYTES' ) ? max( 1, (int) K8OR_ORBIT_MAX_ARCHIVE_BYTES ) : (int) Contract::limit( 'archiveBytesDefault' );
	}
}
