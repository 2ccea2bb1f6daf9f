<?php
/**
 * The stored Orbit settings: bridge link, environments and their policy.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Settings;

use K8or\Orbit\Bridge\Signature;
use K8or\Orbit\Contract\Contract;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Reads, validates and writes the `k8or_orbit_settings` option.
 */
final class Settings {

	public const OPTION = 'k8or_orbit_settings';

	/**
	 * How an environment's commits may reach its cluster: the contract's DeployMode.
	 *
	 * @return string[]
	 */
	public static function modes(): array {
		return Contract::schema( 'DeployMode' )['enum'];
	}

	/**
	 * How many environments Orbit serves at most: the contract's limit.
	 */
	public static function max_environments(): int {
		return (int) Contract::limit( 'environments' );
	}



	/** A Kubernetes namespace is a DNS-1123 label (a Kubernetes rule, not one the parts share). */
	public const NAMESPACE_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

	/**
	 * The settings as stored, completed with defaults.
	 *
	 * @return array{bridgeUrl: string, bridgeSecret: string, natsWebsocketUrl: string, environments: list<array<string, mixed>>, removeContentOnUninstall: bool}
	 */
	public static function get(): array {
		$stored = get_option( self::OPTION, array() );
		$stored = is_array( $stored ) ? $stored : array();
		return array_merge( self::defaults(), array_intersect_key( $stored, self::defaults() ) );
	}

	/**
	 * The defaults of a new site: three environments, dev → test → prod.
	 */
	public static function defaults(): array {
		return array(
			'bridgeUrl'                => '',
			'bridgeSecret'             => '',
			'natsWebsocketUrl'         => '',
			'environments'             => array(
				self::environment( 'dev', false, 'CRITICAL', false ),
				self::environment( 'test', true, 'HIGH', false ),
				self::environment( 'prod', true, 'HIGH', true ),
			),
			'removeContentOnUninstall' => false,
		);
	}

	/**
	 * Names of the keys that are never returned to a browser.
	 *
	 * @return list<string>
	 */
	public static function secret_keys(): array {
		return array( 'bridgeSecret' );
	}

	/**
	 * The configured environments, in promotion order.
	 *
	 * @return list<array{name: string, namespace: string, bucket: string, registry: string, mode: string, restricted: bool, policy: array{scanRequired: bool, maxSeverity: string}}>
	 */
	public static function environments(): array {
		return self::get()['environments'];
	}

	/**
	 * One configured environment by name.
	 *
	 * @param string $name Environment name.
	 * @return array{name: string, namespace: string, bucket: string, registry: string, mode: string, restricted: bool, policy: array{scanRequired: bool, maxSeverity: string}}|null
	 */
	public static function environment_named( string $name ): ?array {
		$found = current( wp_list_filter( self::environments(), array( 'name' => $name ) ) );
		return false === $found ? null : $found;
	}

	/**
	 * Names of the configured environments.
	 *
	 * @return list<string>
	 */
	public static function environment_names(): array {
		return array_values( array_column( self::environments(), 'name' ) );
	}

	/**
	 * Validates a change and stores it.
	 *
	 * @param array $changes Keys to change; a missing or empty secret keeps the stored one.
	 * @return array|WP_Error The new settings, or every problem found.
	 */
	public static function update( array $changes ) {
		$validated = self::validate( $changes, self::get() );
		if ( is_wp_error( $validated ) ) {
			return $validated;
		}
		update_option( self::OPTION, $validated, false );
		/**
		 * Fires after the Orbit settings changed, e.g. to give new environments their capabilities.
		 *
		 * @param array $validated The stored settings.
		 */
		do_action( 'k8or_orbit_settings_updated', $validated );
		return $validated;
	}

	/**
	 * Checks a change against the rules and merges it into the current settings.
	 *
	 * @param array $changes Submitted keys.
	 * @param array $current Current settings.
	 * @return array|WP_Error Merged settings, or a WP_Error holding one message per problem.
	 */
	public static function validate( array $changes, array $current ) {
		$errors = new WP_Error();
		$result = $current;

		if ( array_key_exists( 'bridgeUrl', $changes ) ) {
			$url = trim( (string) $changes['bridgeUrl'] );
			if ( '' !== $url && ! self::is_url_with_scheme( $url, array( 'http', 'https' ) ) ) {
				$errors->add(
					'orbit_invalid_bridge_url',
					__( 'Bridge URL: enter an http:// or https:// address without user, query or fragment, e.g. http://127.0.0.1:8787.', 'k8or-orbit' )
				);
			}
			$result['bridgeUrl'] = untrailingslashit( $url );
		}

		foreach ( self::secret_keys() as $secret_key ) {
			if ( ! isset( $changes[ $secret_key ] ) || '' === (string) $changes[ $secret_key ] ) {
				continue;
			}
			$secret = (string) $changes[ $secret_key ];
			$problem = 'bridgeSecret' === $secret_key ? Signature::secret_problem( $secret ) : null;
			if ( null !== $problem ) {
				/* translators: %s: why the secret cannot be used and how to make one. */
				$errors->add( 'orbit_invalid_bridge_secret', sprintf( __( 'Bridge secret: %s', 'k8or-orbit' ), $problem ) );
			} elseif ( strlen( $secret ) > 512 || preg_match( '/[\x00-\x1f]/', $secret ) ) {
				$errors->add( 'orbit_invalid_secret', __( 'Secrets may not contain control characters or be longer than 512 characters.', 'k8or-orbit' ) );
			}
			$result[ $secret_key ] = $secret;
		}

		if ( array_key_exists( 'natsWebsocketUrl', $changes ) ) {
			$url = trim( (string) $changes['natsWebsocketUrl'] );
			if ( '' !== $url && ! self::is_url_with_scheme( $url, array( 'ws', 'wss' ) ) ) {
				$errors->add(
					'orbit_invalid_nats_websocket_url',
					__( 'NATS websocket URL: enter a ws:// or wss:// address, e.g. ws://127.0.0.1:4223.', 'k8or-orbit' )
				);
			}
			$result['natsWebsocketUrl'] = $url;
		}

		if ( array_key_exists( 'removeContentOnUninstall', $changes ) ) {
			$result['removeContentOnUninstall'] = rest_sanitize_boolean( $changes['removeContentOnUninstall'] );
		}

		if ( array_key_exists( 'environments', $changes ) ) {
			$environments = self::validate_environments( $changes['environments'], $errors );
			$result['environments'] = $environments;
		}

		return $errors->has_errors() ? $errors : $result;
	}

	/**
	 * Validates the list of environments.
	 *
	 * @param mixed    $submitted Submitted list.
	 * @param WP_Error $errors    Collects the problems.
	 * @return list<array<string, mixed>>
	 */
	private static function validate_environments( $submitted, WP_Error $errors ): array {
		if ( ! is_array( $submitted ) || array() === $submitted ) {
			$errors->add( 'orbit_invalid_environments', __( 'Environments: configure at least one environment.', 'k8or-orbit' ) );
			return array();
		}
		if ( count( $submitted ) > self::max_environments() ) {
			$errors->add(
				'orbit_invalid_environments',
				/* translators: %d: maximum number of environments. */
				sprintf( __( 'Environments: at most %d are supported.', 'k8or-orbit' ), self::max_environments() )
			);
			return array();
		}
		$result = array();
		$seen   = array();
		foreach ( array_values( $submitted ) as $index => $environment ) {
			$position = $index + 1;
			if ( ! is_array( $environment ) ) {
				/* translators: %d: position of the environment in the list. */
				$errors->add( 'orbit_invalid_environment', sprintf( __( 'Environment %d: expected an object with name, namespace, bucket, registry, mode and policy.', 'k8or-orbit' ), $position ) );
				continue;
			}
			$name      = strtolower( trim( (string) ( $environment['name'] ?? '' ) ) );
			$namespace = strtolower( trim( (string) ( $environment['namespace'] ?? '' ) ) );
			$bucket    = strtolower( trim( (string) ( $environment['bucket'] ?? '' ) ) );
			$registry  = trim( (string) ( $environment['registry'] ?? '' ) );
			$mode      = (string) ( $environment['mode'] ?? 'gitops' );
			$policy    = is_array( $environment['policy'] ?? null ) ? $environment['policy'] : array();
			$severity  = strtoupper( (string) ( $policy['maxSeverity'] ?? 'CRITICAL' ) );
			$label     = '' === $name ? (string) $position : $name;

			if ( ! Contract::matches( 'environmentName', $name ) ) {
				/* translators: %s: environment name or position. */
				$errors->add( 'orbit_invalid_environment_name', sprintf( __( 'Environment %s: the name must be 1–20 lowercase letters, digits or dashes, starting and ending with a letter or digit (e.g. dev).', 'k8or-orbit' ), $label ) );
			} elseif ( isset( $seen[ $name ] ) ) {
				/* translators: %s: environment name. */
				$errors->add( 'orbit_duplicate_environment', sprintf( __( 'Environment %s is listed twice; give each environment its own name.', 'k8or-orbit' ), $name ) );
			}
			$seen[ $name ] = true;
			if ( ! preg_match( '/' . self::NAMESPACE_PATTERN . '/', $namespace ) ) {
				/* translators: %s: environment name. */
				$errors->add( 'orbit_invalid_environment_namespace', sprintf( __( 'Environment %s: the Kubernetes namespace must be a DNS label: lowercase letters, digits and dashes, at most 63 characters.', 'k8or-orbit' ), $label ) );
			}
			if ( ! preg_match( '/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/', $bucket ) || str_contains( $bucket, '..' ) ) {
				/* translators: %s: environment name. */
				$errors->add( 'orbit_invalid_environment_bucket', sprintf( __( 'Environment %s: the bucket name must be 3–63 lowercase letters, digits, dots or dashes, starting and ending with a letter or digit.', 'k8or-orbit' ), $label ) );
			}
			if ( '' !== $registry && ! preg_match( '#^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9._-]+)*$#i', $registry ) ) {
				/* translators: %s: environment name. */
				$errors->add( 'orbit_invalid_environment_registry', sprintf( __( 'Environment %s: the registry must be host[:port][/path] without a scheme, e.g. registry.example.com:5000/orbit.', 'k8or-orbit' ), $label ) );
			}
			if ( ! in_array( $mode, self::modes(), true ) ) {
				/* translators: %s: environment name. */
				$errors->add( 'orbit_invalid_environment_mode', sprintf( __( 'Environment %s: the mode must be gitops or direct.', 'k8or-orbit' ), $label ) );
			}
			if ( ! in_array( $severity, Contract::severity_limits(), true ) ) {
				/* translators: 1: environment name, 2: the severities allowed. */
				$errors->add( 'orbit_invalid_environment_policy', sprintf( __( 'Environment %1$s: the highest severity allowed must be one of %2$s.', 'k8or-orbit' ), $label, implode( ', ', Contract::severity_limits() ) ) );
			}
			$unknown_as = strtoupper( (string) ( $policy['unknownSeverityAs'] ?? 'CRITICAL' ) );
			if ( ! in_array( $unknown_as, Contract::severities(), true ) ) {
				/* translators: 1: environment name, 2: the severities. */
				$errors->add( 'orbit_invalid_environment_policy', sprintf( __( 'Environment %1$s: findings of unknown severity must count as one of %2$s.', 'k8or-orbit' ), $label, implode( ', ', Contract::severities() ) ) );
			}
			$exemptions = self::validate_exemptions( $policy['exemptions'] ?? array(), $label, $errors );
			$result[] = array(
				'name'       => $name,
				'namespace'  => $namespace,
				'bucket'     => $bucket,
				'registry'   => $registry,
				'mode'       => $mode,
				'restricted' => rest_sanitize_boolean( $environment['restricted'] ?? false ),
				'policy'     => array(
					'scanRequired'      => rest_sanitize_boolean( $policy['scanRequired'] ?? false ),
					'maxSeverity'       => $severity,
					'unknownSeverityAs' => $unknown_as,
					'exemptions'        => $exemptions,
				),
			);
		}
		return $result;
	}

	/**
	 * Validates an environment's exemptions against the contract's Exemption shape.
	 *
	 * @param mixed    $submitted List of exemptions.
	 * @param string   $label     Environment name or position, for the messages.
	 * @param WP_Error $errors    Collects the problems.
	 * @return list<array{id: string, app: string, reason: string, by: string, expires: string}>
	 */
	private static function validate_exemptions( $submitted, string $label, WP_Error $errors ): array {
		$schema = array(
			'type'     => 'array',
			'maxItems' => Contract::limit( 'exemptionsPerPolicy' ),
			'items'    => Contract::schema( 'Exemption' ),
		);
		$submitted = is_array( $submitted ) ? array_values( $submitted ) : $submitted;
		$valid     = rest_validate_value_from_schema( $submitted, $schema, 'exemptions' );
		if ( is_wp_error( $valid ) ) {
			/* translators: 1: environment name, 2: the problem. */
			$errors->add( 'orbit_invalid_exemption', sprintf( __( 'Environment %1$s: the exemptions are not valid: %2$s Each needs a vulnerability id, an app name or *, a reason, who granted it and an expiry date YYYY-MM-DD.', 'k8or-orbit' ), $label, $valid->get_error_message() ) );
			return array();
		}
		foreach ( $submitted as $exemption ) {
			$date = \DateTimeImmutable::createFromFormat( '!Y-m-d', $exemption['expires'] );
			if ( ! $date || $date->format( 'Y-m-d' ) !== $exemption['expires'] ) {
				/* translators: 1: environment name, 2: vulnerability id, 3: the date as entered. */
				$errors->add( 'orbit_invalid_exemption', sprintf( __( 'Environment %1$s: the exemption of %2$s expires on %3$s, which is not a date; write it YYYY-MM-DD.', 'k8or-orbit' ), $label, $exemption['id'], $exemption['expires'] ) );
			}
		}
		return array_map(
			fn( $exemption ) => array_intersect_key( $exemption, array_flip( array( 'id', 'app', 'reason', 'by', 'expires' ) ) ),
			$submitted
		);
	}

	/**
	 * Each environment's policy in the contract's shape, as jobs that decide verdicts send it.
	 *
	 * @return array<string, array>
	 */
	public static function policies(): array {
		$policies = array();
		foreach ( self::environments() as $environment ) {
			$policy                                = (array) ( $environment['policy'] ?? array() );
			$policies[ $environment['name'] ] = array(
				'scanRequired'      => (bool) ( $policy['scanRequired'] ?? false ),
				// Settings saved before the contract stored severities in lower case.
				'maxSeverity'       => strtoupper( (string) ( $policy['maxSeverity'] ?? 'CRITICAL' ) ),
				'unknownSeverityAs' => strtoupper( (string) ( $policy['unknownSeverityAs'] ?? 'CRITICAL' ) ),
				'exemptions'        => array_values( (array) ( $policy['exemptions'] ?? array() ) ),
			);
		}
		return $policies;
	}

	/**
	 * One default environment.
	 *
	 * @param string $name          Environment name.
	 * @param bool   $scan_required Whether a passed scan is required before a deploy.
	 * @param string $max_severity  Highest severity allowed.
	 * @param bool   $restricted    Whether only administrators may deploy there.
	 */
	private static function environment( string $name, bool $scan_required, string $max_severity, bool $restricted ): array {
		return array(
			'name'       => $name,
			'namespace'  => 'orbit-' . $name,
			'bucket'     => 'orbit-' . $name,
			'registry'   => '',
			'mode'       => 'gitops',
			'restricted' => $restricted,
			'policy'     => array(
				'scanRequired'      => $scan_required,
				'maxSeverity'       => $max_severity,
				'unknownSeverityAs' => 'CRITICAL',
				'exemptions'        => array(),
			),
		);
	}

	/**
	 * Whether a URL is absolute with one of the schemes and carries no credentials, query or fragment.
	 *
	 * @param string       $url     URL to check.
	 * @param list<string> $schemes Allowed schemes.
	 */
	private static function is_url_with_scheme( string $url, array $schemes ): bool {
		$parts = wp_parse_url( $url );
		return is_array( $parts )
			&& in_array( strtolower( $parts['scheme'] ?? '' ), $schemes, true )
			&& ! empty( $parts['host'] )
			&& ! isset( $parts['user'] )
			&& ! isset( $parts['pass'] )
			&& ! isset( $parts['query'] )
			&& ! isset( $parts['fragment'] )
			&& strlen( $url ) <= 2048;
	}
}
