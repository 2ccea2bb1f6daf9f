<?php
/**
 * The inputs of a deploy: checked as the Kubernetes API server would check them, one message per field.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Deploy;

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Contract\Contract;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Reads its limits and patterns from the contract (`limits.deployInputs`), which the deploy form reads too.
 */
final class Deploy_Inputs {

	/** Multipliers of the Kubernetes quantity suffixes. */
	private const SUFFIXES = array(
		''   => 1,
		'm'  => 0.001,
		'k'  => 1e3,
		'M'  => 1e6,
		'G'  => 1e9,
		'T'  => 1e12,
		'P'  => 1e15,
		'E'  => 1e18,
		'Ki' => 1024,
		'Mi' => 1048576,
		'Gi' => 1073741824,
		'Ti' => 1099511627776,
		'Pi' => 1125899906842624,
		'Ei' => 1152921504606846976,
	);

	/** The fields a deploy may send. */
	private const FIELDS = array( 'replicas', 'containerPort', 'resources', 'env', 'command', 'args' );

	/**
	 * A limit of the inputs, from the contract's `limits.deployInputs` (the deploy form reads it too).
	 *
	 * @param string $name Key, e.g. "replicasMax".
	 * @return mixed
	 */
	public static function limit( string $name ) {
		return Contract::limit( 'deployInputs.' . $name );
	}

	/**
	 * The inputs in the shape the bridge expects, or every problem found, keyed by field.
	 *
	 * @param mixed $inputs Inputs as the browser sent them.
	 * @return array|WP_Error Normalised inputs, or 400 with `data.fields` (field path → message).
	 */
	public static function check( $inputs ) {
		$errors = self::errors( $inputs );
		if ( array() !== $errors ) {
			return new WP_Error(
				'orbit_invalid_deploy_inputs',
				sprintf(
					/* translators: %s: the problems, one per field. */
					__( 'The deploy inputs are not valid: %s', 'k8or-orbit' ),
					implode( ' ', $errors )
				),
				array(
					'status' => 400,
					'fields' => $errors,
				)
			);
		}
		return self::normalise( $inputs );
	}

	/**
	 * Problems in the inputs, keyed by field path (`replicas`, `resources.limits.cpu`, `env.2.name` …).
	 *
	 * @param mixed $inputs Inputs as sent.
	 * @return array<string, string>
	 */
	public static function errors( $inputs ): array {
		if ( ! is_array( $inputs ) || ( array() !== $inputs && array_is_list( $inputs ) ) ) {
			return array( 'inputs' => __( 'Send the inputs as an object with replicas, resources and the other fields.', 'k8or-orbit' ) );
		}
		if ( strlen( (string) wp_json_encode( $inputs ) ) > self::limit( 'bytes' ) ) {
			/* translators: %d: the largest size in kilobytes. */
			return array( 'inputs' => sprintf( __( 'The inputs are larger than %d KB; shorten the environment values, command or args.', 'k8or-orbit' ), self::limit( 'bytes' ) / 1024 ) );
		}
		$errors  = array();
		$unknown = array_diff( array_keys( $inputs ), self::FIELDS );
		if ( array() !== $unknown ) {
			/* translators: %s: field names. */
			$errors['inputs'] = sprintf( __( 'Unknown fields: %s.', 'k8or-orbit' ), implode( ', ', array_map( 'strval', $unknown ) ) );
		}

		$replicas = $inputs['replicas'] ?? null;
		if ( ! self::is_int_between( $replicas, self::limit( 'replicasMin' ), self::limit( 'replicasMax' ) ) ) {
			$errors['replicas'] = sprintf(
				/* translators: 1: smallest, 2: largest number of replicas. */
				__( 'Replicas: a whole number from %1$d to %2$d.', 'k8or-orbit' ),
				self::limit( 'replicasMin' ),
				self::limit( 'replicasMax' )
			);
		}
		if ( isset( $inputs['containerPort'] ) && ! self::is_int_between( $inputs['containerPort'], self::limit( 'containerPortMin' ), self::limit( 'containerPortMax' ) ) ) {
			$errors['containerPort'] = sprintf(
				/* translators: 1: lowest, 2: highest port. */
				__( 'Container port: a whole number from %1$d to %2$d, or empty when the app listens on no port.', 'k8or-orbit' ),
				self::limit( 'containerPortMin' ),
				self::limit( 'containerPortMax' )
			);
		}
		$errors = array_merge( $errors, self::resource_errors( $inputs['resources'] ?? null ) );
		$errors = array_merge( $errors, self::env_errors( $inputs['env'] ?? array() ) );
		foreach ( array( 'command', 'args' ) as $field ) {
			if ( isset( $inputs[ $field ] ) && ! self::is_words( $inputs[ $field ] ) ) {
				$errors[ $field ] = sprintf(
					/* translators: 1: field name (command or args), 2: most items, 3: longest item. */
					__( '%1$s: at most %2$d non-empty items of at most %3$d characters each.', 'k8or-orbit' ),
					'command' === $field ? __( 'Command', 'k8or-orbit' ) : __( 'Args', 'k8or-orbit' ),
					self::limit( 'commandArgs' ),
					self::limit( 'commandArgLength' )
				);
			}
		}
		return $errors;
	}

	/**
	 * The inputs to prefill a deploy form with: the last revision's, else those given at upload, else defaults.
	 *
	 * @param int        $post_id       App post id.
	 * @param array|null $last_revision Inputs of the latest revision in the environment, if any.
	 */
	public static function defaults( int $post_id, ?array $last_revision ): array {
		if ( is_array( $last_revision ) && array() === self::errors( $last_revision ) ) {
			return self::normalise( $last_revision );
		}
		$uploaded = App_Meta::read( $post_id, App_Meta::DEPLOY_INPUTS );
		$inputs   = array(
			'replicas'  => (int) ( $uploaded['replicas'] ?? 1 ),
			'resources' => array(
				'requests' => array(
					'cpu'    => (string) ( $uploaded['resources']['requests']['cpu'] ?? '100m' ),
					'memory' => (string) ( $uploaded['resources']['requests']['memory'] ?? '128Mi' ),
				),
				'limits'   => array(
					'cpu'    => (string) ( $uploaded['resources']['limits']['cpu'] ?? '500m' ),
					'memory' => (string) ( $uploaded['resources']['limits']['memory'] ?? '256Mi' ),
				),
			),
			'env'       => array(),
		);
		foreach ( (array) ( $uploaded['env'] ?? array() ) as $name => $value ) {
			$inputs['env'][] = array(
				'name'  => (string) $name,
				'value' => (string) $value,
			);
		}
		$port = $uploaded['containerPort'] ?? null;
		if ( null === $port ) {
			// The image's first exposed port, e.g. "8080/tcp".
			$exposed = App_Meta::read( $post_id, App_Meta::IMAGE )['exposedPorts'][0] ?? '';
			$port    = '' === $exposed ? null : (int) $exposed;
		}
		if ( null !== $port ) {
			$inputs['containerPort'] = (int) $port;
		}
		return array() === self::errors( $inputs ) ? self::normalise( $inputs ) : $inputs;
	}

	/**
	 * Valid inputs with only the known fields, numbers as integers and empty amounts left out.
	 *
	 * @param array $inputs Inputs without errors.
	 */
	private static function normalise( array $inputs ): array {
		$normal = array( 'replicas' => (int) $inputs['replicas'] );
		if ( isset( $inputs['containerPort'] ) ) {
			$normal['containerPort'] = (int) $inputs['containerPort'];
		}
		$normal += array(
			'resources' => array(
				'requests' => (object) array_filter( (array) ( $inputs['resources']['requests'] ?? array() ), 'strlen' ),
				'limits'   => (object) array_filter( (array) ( $inputs['resources']['limits'] ?? array() ), 'strlen' ),
			),
			'env'       => array_map(
				fn( $variable ) => array(
					'name'  => (string) $variable['name'],
					'value' => (string) $variable['value'],
				),
				array_values( (array) ( $inputs['env'] ?? array() ) )
			),
		);
		foreach ( array( 'command', 'args' ) as $field ) {
			if ( ! empty( $inputs[ $field ] ) ) {
				$normal[ $field ] = array_values( array_map( 'strval', $inputs[ $field ] ) );
			}
		}
		return $normal;
	}

	/**
	 * Problems in the CPU and memory requests and limits.
	 *
	 * @param mixed $resources `resources` as sent.
	 * @return array<string, string>
	 */
	private static function resource_errors( $resources ): array {
		if ( ! is_array( $resources ) ) {
			return array( 'resources' => __( 'Resources: give CPU and memory requests and limits.', 'k8or-orbit' ) );
		}
		$errors   = array();
		$amounts  = array();
		foreach ( array( 'requests', 'limits' ) as $kind ) {
			$given = $resources[ $kind ] ?? array();
			if ( ! is_array( $given ) || array() !== array_diff( array_keys( $given ), array( 'cpu', 'memory' ) ) ) {
				$errors[ 'resources.' . $kind ] = __( 'Resources: only cpu and memory may be set.', 'k8or-orbit' );
				continue;
			}
			foreach ( array( 'cpu', 'memory' ) as $resource ) {
				$value = $given[ $resource ] ?? '';
				if ( '' === $value ) {
					continue;
				}
				if ( ! is_string( $value ) || strlen( $value ) > self::limit( 'quantityLength' ) || ! preg_match( '/' . self::limit( $resource . 'Pattern' ) . '/', $value ) ) {
					$errors[ "resources.$kind.$resource" ] = 'cpu' === $resource
						? __( 'CPU: cores such as 0.5 or millicores such as 500m.', 'k8or-orbit' )
						: __( 'Memory: a quantity such as 128Mi or 1Gi.', 'k8or-orbit' );
					continue;
				}
				$amounts[ $kind ][ $resource ] = self::quantity( $value );
			}
		}
		foreach ( array( 'cpu', 'memory' ) as $resource ) {
			if ( isset( $amounts['requests'][ $resource ], $amounts['limits'][ $resource ] ) && $amounts['requests'][ $resource ] > $amounts['limits'][ $resource ] ) {
				$errors[ "resources.requests.$resource" ] = 'cpu' === $resource
					? __( 'CPU request: at most the CPU limit, as Kubernetes requires.', 'k8or-orbit' )
					: __( 'Memory request: at most the memory limit, as Kubernetes requires.', 'k8or-orbit' );
			}
		}
		return $errors;
	}

	/**
	 * Problems in the environment variables.
	 *
	 * @param mixed $env `env` as sent: a list of {name, value}.
	 * @return array<string, string>
	 */
	private static function env_errors( $env ): array {
		if ( ! is_array( $env ) || ( array() !== $env && ! array_is_list( $env ) ) ) {
			return array( 'env' => __( 'Environment variables: send a list of {name, value}.', 'k8or-orbit' ) );
		}
		if ( count( $env ) > self::limit( 'envVars' ) ) {
			/* translators: %d: most variables. */
			return array( 'env' => sprintf( __( 'Environment variables: at most %d.', 'k8or-orbit' ), self::limit( 'envVars' ) ) );
		}
		$errors = array();
		$seen   = array();
		foreach ( $env as $index => $variable ) {
			$name  = is_array( $variable ) ? ( $variable['name'] ?? null ) : null;
			$value = is_array( $variable ) ? ( $variable['value'] ?? '' ) : null;
			if ( ! is_string( $name ) || strlen( $name ) > self::limit( 'envNameLength' ) || ! preg_match( '/' . self::limit( 'envNamePattern' ) . '/', $name ) ) {
				$errors[ "env.$index.name" ] = sprintf(
					/* translators: %d: most characters. */
					__( 'Name: letters, digits and "_", not starting with a digit, at most %d characters (e.g. LOG_LEVEL).', 'k8or-orbit' ),
					self::limit( 'envNameLength' )
				);
			} elseif ( isset( $seen[ $name ] ) ) {
				/* translators: %s: variable name. */
				$errors[ "env.$index.name" ] = sprintf( __( '%s is set twice; keep one.', 'k8or-orbit' ), $name );
			} else {
				$seen[ $name ] = true;
			}
			if ( ! is_string( $value ) || mb_strlen( $value ) > self::limit( 'envValueLength' ) ) {
				/* translators: %d: most characters. */
				$errors[ "env.$index.value" ] = sprintf( __( 'Value: text of at most %d characters.', 'k8or-orbit' ), self::limit( 'envValueLength' ) );
			}
		}
		return $errors;
	}

	/**
	 * Whether a value is an integer within the rule's bounds.
	 *
	 * @param mixed $value   Value.
	 * @param int   $minimum Smallest allowed.
	 * @param int   $maximum Largest allowed.
	 */
	private static function is_int_between( $value, int $minimum, int $maximum ): bool {
		return is_int( $value ) && $value >= $minimum && $value <= $maximum;
	}

	/**
	 * Whether a value is a list of words for command or args.
	 *
	 * @param mixed $value Value.
	 */
	private static function is_words( $value ): bool {
		if ( ! is_array( $value ) || ! array_is_list( $value ) || count( $value ) > self::limit( 'commandArgs' ) ) {
			return false;
		}
		foreach ( $value as $word ) {
			if ( ! is_string( $word ) || '' === $word || mb_strlen( $word ) > self::limit( 'commandArgLength' ) ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The amount a valid quantity stands for.
	 *
	 * @param string $quantity e.g. 500m, 0.5, 128Mi.
	 */
	private static function quantity( string $quantity ): float {
		preg_match( '/^([0-9.]+)([A-Za-z]*)$/', $quantity, $parts );
		return (float) $parts[1] * ( self::SUFFIXES[ $parts[2] ] ?? 1 );
	}
}
