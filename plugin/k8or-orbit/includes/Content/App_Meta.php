<?php
/**
 * The registered post meta of apps: image facts, scan summary, environments, deletion, deploy inputs.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Content;

use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Registers each key with a JSON schema, read-only through wp/v2. Only this plugin's own code
 * writes them, through write(), which validates against the same schema.
 */
final class App_Meta {

	public const IMAGE         = 'k8or_orbit_image';
	public const SCAN          = 'k8or_orbit_scan';
	public const ENVIRONMENTS  = 'k8or_orbit_environments';
	public const DELETED       = 'k8or_orbit_deleted';
	public const DEPLOY_INPUTS = 'k8or_orbit_deploy_inputs';
	public const VERSIONS      = 'k8or_orbit_versions';
	public const VERDICTS      = 'k8or_orbit_verdicts';

	/** Versions an app keeps; an upload beyond this is refused. */
	public const MAX_VERSIONS = 200;

	/** "none" before the first scan; then the contract's ScanResult status (scanned, unavailable). */
	public const SCAN_STATUSES        = array( 'none', 'scanned', 'unavailable' );
	public const ENVIRONMENT_STATUSES = array( 'none', 'deploying', 'committed', 'deployed', 'degraded', 'failed', 'deleted', 'restored', 'transferred' );

	/** Flat copies of nested values so that WP_Query can filter on them; protected by the underscore. */
	public const INDEX_SCAN_STATUS        = '_k8or_orbit_scan_status';
	public const INDEX_ENVIRONMENT_STATUS = '_k8or_orbit_environment_status';
	public const INDEX_DELETED            = '_k8or_orbit_is_deleted';

	private const DIGEST_PATTERN = '^sha256:[a-f0-9]{64}$';

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'init', array( $this, 'register' ) );
		add_filter( 'is_protected_meta', array( $this, 'protect' ), 10, 2 );
	}

	/**
	 * Registers every key.
	 */
	public function register(): void {
		foreach ( self::keys() as $key ) {
			register_post_meta(
				App_Post_Type::NAME,
				$key,
				array(
					'type'              => 'object',
					'single'            => true,
					'description'       => self::schema( $key )['description'],
					// Deploy inputs are private; versions have their own route (GET /apps/{id}/versions).
					'show_in_rest'      => in_array( $key, array( self::DEPLOY_INPUTS, self::VERSIONS ), true ) ? false : array( 'schema' => self::schema( $key ) ),
					'sanitize_callback' => fn( $value ) => self::sanitize( $key, $value ),
					// Nobody edits these through wp/v2, the block editor or the Custom Fields box.
					'auth_callback'     => '__return_false',
				)
			);
		}
	}

	/**
	 * Hides the keys from the Custom Fields box.
	 *
	 * @param bool   $is_protected Whether core already protects the key.
	 * @param string $meta_key     Meta key.
	 */
	public function protect( $is_protected, $meta_key ): bool {
		return $is_protected || in_array( $meta_key, self::keys(), true );
	}

	/**
	 * The registered keys.
	 *
	 * @return list<string>
	 */
	public static function keys(): array {
		return array( self::IMAGE, self::SCAN, self::VERDICTS, self::ENVIRONMENTS, self::DELETED, self::DEPLOY_INPUTS, self::VERSIONS );
	}

	/**
	 * The JSON schema of a key. Properties only administrators and operators may see carry the
	 * `edit` context alone.
	 *
	 * @param string $key Meta key.
	 */
	public static function schema( string $key ): array {
		return match ( $key ) {
			self::IMAGE         => self::image_schema(),
			self::SCAN          => self::scan_schema(),
			self::VERDICTS      => self::verdicts_schema(),
			self::ENVIRONMENTS  => self::environments_schema(),
			self::DELETED       => self::deleted_schema(),
			self::DEPLOY_INPUTS => self::deploy_inputs_schema(),
			self::VERSIONS      => self::versions_schema(),
			default             => array(),
		};
	}

	/**
	 * Facts about the uploaded image; who uploaded it is for operators only.
	 */
	private static function image_schema(): array {
		return self::object(
			__( 'Facts about the uploaded image.', 'k8or-orbit' ),
			array(
				'repository'     => array(
					'type'      => 'string',
					'pattern'   => '^[^\s]+$',
					'maxLength' => 255,
				),
				'tag'            => array(
					'type'    => 'string',
					'pattern' => '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$',
				),
				'manifestDigest' => array(
					'type'    => 'string',
					'pattern' => self::DIGEST_PATTERN,
				),
				'configDigest'   => array(
					'type'    => 'string',
					'pattern' => self::DIGEST_PATTERN,
				),
				'archiveDigest'  => array(
					'description' => __( 'SHA-256 of the uploaded archive.', 'k8or-orbit' ),
					'type'        => 'string',
					'pattern'     => self::DIGEST_PATTERN,
				),
				'size'           => array(
					'type'    => 'integer',
					'minimum' => 0,
				),
				'os'             => array(
					'type'      => 'string',
					'maxLength' => 32,
				),
				'architecture'   => array(
					'type'      => 'string',
					'maxLength' => 32,
				),
				'exposedPorts'   => array(
					'type'     => 'array',
					'maxItems' => 64,
					'items'    => array(
						'type'    => 'string',
						'pattern' => '^[0-9]{1,5}(/(tcp|udp|sctp))?$',
					),
				),
				'layerCount'     => array(
					'type'    => 'integer',
					'minimum' => 0,
					'maximum' => 1000,
				),
				'version'        => self::version_label_schema(),
				'uploadedBy'     => self::object(
					__( 'The WordPress user who uploaded the image.', 'k8or-orbit' ),
					array(
						'id'    => array(
							'type'    => 'integer',
							'minimum' => 0,
						),
						'login' => array(
							'type'      => 'string',
							'maxLength' => 60,
						),
					),
					array( 'edit' )
				),
				'uploadedAt'     => self::date_schema(),
				'updatedAt'      => self::date_schema(),
			)
		);
	}

	/**
	 * A version label as the upload form gives it (`1.0.1`, `v0-0-02`): unique per app, also a
	 * folder of the app's storage. The rule is the contract's `versionLabel` pattern.
	 */
	public static function version_label_schema(): array {
		return array(
			'type'    => 'string',
			'pattern' => Contract::pattern( 'versionLabel' ),
		);
	}

	/**
	 * The versions of the app keyed by label, each with its own image facts and scan; the newest is
	 * the app's current image. Who uploaded and where the archive lies are for operators only.
	 */
	private static function versions_schema(): array {
		$image = self::image_schema()['properties'];
		$entry = self::object(
			__( 'One uploaded version of the app.', 'k8or-orbit' ),
			array(
				'label'          => self::version_label_schema(),
				'manifestDigest' => $image['manifestDigest'],
				'configDigest'   => $image['configDigest'],
				'archiveDigest'  => $image['archiveDigest'],
				'size'           => $image['size'],
				'environment'    => array(
					'type'    => 'string',
					'pattern' => Contract::pattern( 'environmentName' ),
				),
				'uploadedBy'     => $image['uploadedBy'],
				'uploadedAt'     => self::date_schema(),
				'scan'           => self::scan_schema(),
				'jobId'          => array(
					'type'      => 'string',
					'maxLength' => 128,
					'context'   => array( 'edit' ),
				),
				'updatedAt'      => self::date_schema(),
			)
		);
		$schema                      = self::object( __( 'The versions of the app, keyed by label.', 'k8or-orbit' ), array() );
		$schema['patternProperties'] = array( Contract::pattern( 'versionLabel' ) => $entry );
		$schema['maxProperties']     = self::MAX_VERSIONS;
		return $schema;
	}

	/**
	 * The versions of an app, newest first.
	 *
	 * @param int $post_id Post id.
	 * @return list<array>
	 */
	public static function versions( int $post_id ): array {
		$versions = array_values( self::read( $post_id, self::VERSIONS ) );
		usort( $versions, fn( $a, $b ) => strcmp( (string) ( $b['uploadedAt'] ?? '' ), (string) ( $a['uploadedAt'] ?? '' ) ) );
		return $versions;
	}

	/**
	 * The latest scan, the contract's ScanResult: counts per severity, or why there are none;
	 * where the full report lies is for operators only.
	 */
	private static function scan_schema(): array {
		$scan                                            = Contract::schema( 'ScanResult' );
		$scan['description']                             = __( 'The latest vulnerability scan: counts per severity, or why there are none.', 'k8or-orbit' );
		$scan['context']                                 = array( 'view', 'edit' );
		$scan['additionalProperties']                    = false;
		$scan['properties']['reportLocation']['context'] = array( 'edit' );
		$scan['properties']['updatedAt']                 = self::date_schema();
		return $scan;
	}

	/**
	 * The verdict of each environment's policy for the image, as the bridge decided it.
	 */
	private static function verdicts_schema(): array {
		$verdicts                = Contract::schema( 'Verdicts' );
		$verdicts['description'] = __( 'The deploy verdict of each environment\'s policy for the image, decided by the bridge.', 'k8or-orbit' );
		$verdicts['context']     = array( 'view', 'edit' );
		return $verdicts;
	}

	/**
	 * State of the app per environment, keyed by environment name.
	 */
	private static function environments_schema(): array {
		$state = array(
			'status'     => array(
				'type' => 'string',
				'enum' => self::ENVIRONMENT_STATUSES,
			),
			'revision'   => array(
				'type'    => 'integer',
				'minimum' => 0,
			),
			'deployedAt' => self::date_schema(),
			'replicas'   => self::replica_count(),
			'rolledBack' => array( 'type' => 'boolean' ),
			'message'    => array(
				'type'      => 'string',
				'maxLength' => 2000,
			),
			'updatedAt'  => self::date_schema(),
		) + self::deploy_state() + self::cluster_state();

		$schema                      = self::object( __( 'State of the app in each environment, keyed by environment name.', 'k8or-orbit' ), array() );
		$schema['patternProperties'] = array(
			Contract::pattern( 'environmentName' ) => self::object(
				__( 'State of the app in one environment.', 'k8or-orbit' ),
				$state + array(
					'jobId'    => array(
						'description' => __( 'The job that is changing the environment now.', 'k8or-orbit' ),
						'type'        => 'string',
						'pattern'     => Contract::pattern( 'jobId' ),
						'context'     => array( 'edit' ),
					),
					'previous' => self::object(
						__( 'The state before the running job, put back if it fails.', 'k8or-orbit' ),
						$state,
						array( 'edit' )
					),
				)
			),
		);
		$schema['maxProperties']     = Settings::max_environments();
		return $schema;
	}

	/**
	 * Whether the app is deleted and from where; for operators only.
	 */
	private static function deleted_schema(): array {
		return self::object(
			__( 'Whether the app is deleted (restorable) and from which environment.', 'k8or-orbit' ),
			array(
				'deleted'     => array( 'type' => 'boolean' ),
				'environment' => array(
					'type'    => 'string',
					'pattern' => Contract::pattern( 'environmentName' ),
				),
				'at'          => self::date_schema(),
			),
			array( 'edit' )
		);
	}

	/**
	 * What the uploader asked for when deploying; for operators only and never shown through wp/v2.
	 */
	private static function deploy_inputs_schema(): array {
		return self::object(
			__( 'What the uploader asked for when deploying: replicas, container port, environment variables.', 'k8or-orbit' ),
			array(
				'replicas'      => array(
					'type'    => 'integer',
					'minimum' => Contract::limit( 'deployInputs.replicasMin' ),
					'maximum' => Contract::limit( 'deployInputs.replicasMax' ),
				),
				'containerPort' => array(
					'type'    => 'integer',
					'minimum' => 1,
					'maximum' => 65535,
				),
				'resources'     => array(
					'type'                 => 'object',
					'additionalProperties' => false,
					'properties'           => array(
						'requests' => self::resource_amounts(),
						'limits'   => self::resource_amounts(),
					),
				),
				'env'           => array(
					'type'                 => 'object',
					'maxProperties'        => Contract::limit( 'deployInputs.envVars' ),
					'patternProperties'    => array(
						Contract::limit( 'deployInputs.envNamePattern' ) => array(
							'type'      => 'string',
							'maxLength' => Contract::limit( 'deployInputs.envValueLength' ),
						),
					),
					'additionalProperties' => false,
				),
			),
			array( 'edit' )
		);
	}

	/**
	 * A date and time (RFC 3339).
	 */
	private static function date_schema(): array {
		return array(
			'type'   => 'string',
			'format' => 'date-time',
		);
	}

	/**
	 * Checks a value against the key's schema.
	 *
	 * @param string $key   Meta key.
	 * @param mixed  $value Value to check.
	 * @return true|WP_Error
	 */
	public static function validate( string $key, $value ) {
		if ( ! in_array( $key, self::keys(), true ) ) {
			/* translators: %s: meta key. */
			return new WP_Error( 'orbit_unknown_meta', sprintf( __( '%s is not an Orbit meta key.', 'k8or-orbit' ), $key ), array( 'status' => 400 ) );
		}
		return rest_validate_value_from_schema( $value, self::schema( $key ), $key );
	}

	/**
	 * Coerces a value to the key's schema, dropping unknown properties.
	 *
	 * @param string $key   Meta key.
	 * @param mixed  $value Value to sanitise.
	 * @return array
	 */
	public static function sanitize( string $key, $value ): array {
		if ( ! is_array( $value ) && ! is_object( $value ) ) {
			return array();
		}
		$sanitized = rest_sanitize_value_from_schema( $value, self::schema( $key ), $key );
		return is_array( $sanitized ) ? $sanitized : array();
	}

	/**
	 * Validates and stores a value, keeping the query index in step.
	 *
	 * @param int    $post_id Post id.
	 * @param string $key     Meta key.
	 * @param array  $value   New value.
	 * @return true|WP_Error
	 */
	public static function write( int $post_id, string $key, array $value ) {
		$valid = self::validate( $key, $value );
		if ( is_wp_error( $valid ) ) {
			return $valid;
		}
		update_post_meta( $post_id, $key, self::sanitize( $key, $value ) );
		self::reindex( $post_id );
		return true;
	}

	/**
	 * The stored value of a key, or an empty array.
	 *
	 * @param int    $post_id Post id.
	 * @param string $key     Meta key.
	 */
	public static function read( int $post_id, string $key ): array {
		$value = get_post_meta( $post_id, $key, true );
		return is_array( $value ) ? $value : array();
	}

	/**
	 * Whether the app is deleted.
	 *
	 * @param int $post_id Post id.
	 */
	public static function is_deleted( int $post_id ): bool {
		return ! empty( self::read( $post_id, self::DELETED )['deleted'] );
	}

	/**
	 * A meta_query clause that keeps deleted apps out.
	 */
	public static function not_deleted_clause(): array {
		return array(
			'key'     => self::INDEX_DELETED,
			'compare' => 'NOT EXISTS',
		);
	}

	/**
	 * Meta query clause matching deleted apps only.
	 *
	 * @return array
	 */
	public static function deleted_clause(): array {
		return array(
			'key'     => self::INDEX_DELETED,
			'compare' => 'EXISTS',
		);
	}

	/**
	 * Rewrites the flat index copies from the stored objects.
	 *
	 * @param int $post_id Post id.
	 */
	private static function reindex( int $post_id ): void {
		$scan_status = self::read( $post_id, self::SCAN )['status'] ?? 'none';
		update_post_meta( $post_id, self::INDEX_SCAN_STATUS, $scan_status );

		delete_post_meta( $post_id, self::INDEX_ENVIRONMENT_STATUS );
		foreach ( self::read( $post_id, self::ENVIRONMENTS ) as $environment => $state ) {
			$status = is_array( $state ) ? ( $state['status'] ?? 'none' ) : 'none';
			if ( 'none' !== $status ) {
				add_post_meta( $post_id, self::INDEX_ENVIRONMENT_STATUS, $environment . ':' . $status );
			}
		}

		if ( self::is_deleted( $post_id ) ) {
			update_post_meta( $post_id, self::INDEX_DELETED, '1' );
		} else {
			delete_post_meta( $post_id, self::INDEX_DELETED );
		}
	}

	/**
	 * What a deploy records per environment beyond its status; who deployed what, for operators only.
	 */
	private static function deploy_state(): array {
		$edit = array( 'edit' );
		return array(
			'committedAt'  => self::date_schema(),
			'image'        => array(
				'type'      => 'string',
				'maxLength' => 512,
				'context'   => $edit,
			),
			'commit'       => array(
				'type'    => 'string',
				'pattern' => '^[a-f0-9]{7,64}$',
				'context' => $edit,
			),
			'actor'        => array(
				'type'                 => 'object',
				'context'              => $edit,
				'additionalProperties' => false,
				'properties'           => array(
					'id'    => array(
						'type'    => 'integer',
						'minimum' => 0,
					),
					'login' => array(
						'type'      => 'string',
						'maxLength' => 60,
					),
				),
			),
			'rolledBackTo' => array(
				'type'    => 'integer',
				'minimum' => 1,
			),
		);
	}

	/**
	 * What the cluster (or Argo CD) last said about the environment, as the bridge delivers it.
	 */
	private static function cluster_state(): array {
		$health                = Contract::schema( 'WorkloadHealth' );
		$health['description'] = __( 'Health of the app as the rollout or Argo CD reports it.', 'k8or-orbit' );
		return array(
			'health'        => $health,
			'readyReplicas' => self::replica_count(),
			// The bridge's own "2/3 ready"; pages word it themselves from the counts.
			'ready'         => array(
				'type'      => 'string',
				'maxLength' => 32,
			),
			'checkedAt'     => self::date_schema(),
		);
	}

	/**
	 * A replica count of a Deployment.
	 */
	private static function replica_count(): array {
		return array(
			'type'    => 'integer',
			'minimum' => 0,
			'maximum' => 1000,
		);
	}

	/**
	 * CPU and memory as Kubernetes quantities (e.g. 250m, 512Mi); empty for not set.
	 */
	private static function resource_amounts(): array {
		$quantity = array(
			'type'    => 'string',
			'pattern' => '^([0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?)?$',
		);
		return array(
			'type'                 => 'object',
			'additionalProperties' => false,
			'properties'           => array(
				'cpu'    => $quantity,
				'memory' => $quantity,
			),
		);
	}

	/**
	 * An object schema that accepts only the listed properties.
	 *
	 * @param string       $description What the object holds.
	 * @param array        $properties  Property schemas.
	 * @param list<string> $context     Contexts in which the object is shown.
	 */
	private static function object( string $description, array $properties, array $context = array( 'view', 'edit' ) ): array {
		return array(
			'description'          => $description,
			'type'                 => 'object',
			'context'              => $context,
			'properties'           => $properties,
			'additionalProperties' => false,
		);
	}
}
