<?php
/**
 * GET/PUT /settings: the bridge link, environments and policy.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Reads and changes the settings for users with orbit_manage_settings. Secrets are write-only.
 */
final class Settings_Controller extends Controller {

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->rest_base = 'settings';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
				),
				array(
					'methods'             => 'PUT',
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => $this->get_endpoint_args_for_item_schema( 'PUT' ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Settings are for users with orbit_manage_settings.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|WP_Error
	 */
	public function get_item_permissions_check( $request ) {
		return $this->require_any( Capabilities::MANAGE_SETTINGS );
	}

	/**
	 * The settings without secrets.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public function get_item( $request ) {
		return rest_ensure_response( self::public_view( Settings::get() ) );
	}

	/**
	 * Validates and stores a change; keys fixed by constants cannot be changed here.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function update_item( $request ) {
		$changes = array_intersect_key( $request->get_json_params() ?? $request->get_body_params(), Settings::defaults() );
		$fixed   = array_intersect( array_keys( array_filter( $changes, fn( $value ) => '' !== $value ) ), Config::fixed_keys() );
		if ( array() !== $fixed ) {
			return new WP_Error(
				'orbit_setting_fixed',
				sprintf(
					/* translators: %s: setting names. */
					__( 'These settings are fixed by constants or environment variables and cannot be changed here: %s. Change them in wp-config.php.', 'k8or-orbit' ),
					implode( ', ', $fixed )
				),
				array( 'status' => 400 )
			);
		}
		$updated = Settings::update( $changes );
		if ( is_wp_error( $updated ) ) {
			return new WP_Error(
				'orbit_invalid_settings',
				implode( ' ', $updated->get_error_messages() ),
				array(
					'status' => 400,
					'errors' => $updated->get_error_messages(),
				)
			);
		}
		return rest_ensure_response( self::public_view( $updated ) );
	}

	/**
	 * Settings as shown to a browser: secrets replaced by whether they are set.
	 *
	 * @param array $settings Stored settings.
	 */
	public static function public_view( array $settings ): array {
		$view = array_diff_key( $settings, array_flip( Settings::secret_keys() ) );
		foreach ( array_keys( Config::SOURCES ) as $key ) {
			if ( ! in_array( $key, Settings::secret_keys(), true ) ) {
				$view[ $key ] = Config::get( $key );
			}
		}
		$view['bridgeSecretSet'] = '' !== Config::get( 'bridgeSecret' );
		$view['fixed']           = Config::fixed_keys();
		return $view;
	}

	/**
	 * The settings schema.
	 */
	protected function build_schema(): array {
		$both        = array( 'view', 'edit' );
		$environment = array(
			'type'       => 'object',
			'properties' => array(
				'name'       => array( 'type' => 'string' ),
				'namespace'  => array( 'type' => 'string' ),
				'bucket'     => array( 'type' => 'string' ),
				'registry'   => array( 'type' => 'string' ),
				'mode'       => array(
					'type' => 'string',
					'enum' => Settings::modes(),
				),
				'restricted' => array( 'type' => 'boolean' ),
				'policy'     => array(
					'type'       => 'object',
					'properties' => array(
						'scanRequired'      => array( 'type' => 'boolean' ),
						'maxSeverity'       => array(
							'type' => 'string',
							'enum' => array_merge( Contract::severity_limits(), array_map( 'strtolower', Contract::severity_limits() ) ),
						),
						'unknownSeverityAs' => array(
							'type' => 'string',
							'enum' => Contract::severities(),
						),
						'exemptions'        => array(
							'type'     => 'array',
							'maxItems' => Contract::limit( 'exemptionsPerPolicy' ),
							'items'    => Contract::schema( 'Exemption' ),
						),
					),
				),
			),
		);
		$string = fn( string $description, int $max = 2048 ) => array(
			'description' => $description,
			'type'        => 'string',
			'maxLength'   => $max,
			'context'     => $both,
		);
		$secret = fn( string $description ) => array(
			'description' => $description,
			'type'        => 'string',
			'maxLength'   => 512,
			'context'     => array(),
		);
		$flag   = fn( string $description ) => array(
			'description' => $description,
			'type'        => 'boolean',
			'context'     => $both,
			'readonly'    => true,
		);
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'orbit-settings',
			'type'       => 'object',
			'properties' => array(
				'bridgeUrl'                => $string( __( 'Bridge base URL.', 'k8or-orbit' ) ),
				'bridgeSecret'             => $secret( __( 'Shared signing secret (write-only, at least 32 characters).', 'k8or-orbit' ) ),
				'natsWebsocketUrl'         => $string( __( 'NATS websocket URL for live progress.', 'k8or-orbit' ) ),
				'environments'             => array(
					'description' => __( 'Environments in promotion order.', 'k8or-orbit' ),
					'type'        => 'array',
					'maxItems'    => Settings::max_environments(),
					'items'       => $environment,
					'context'     => $both,
				),
				'removeContentOnUninstall' => array(
					'description' => __( 'Delete apps and categories when the plugin is uninstalled.', 'k8or-orbit' ),
					'type'        => 'boolean',
					'context'     => $both,
				),
				'bridgeSecretSet'          => $flag( __( 'Whether a bridge secret is set.', 'k8or-orbit' ) ),
				'fixed'                    => array(
					'description' => __( 'Settings fixed by constants or environment variables.', 'k8or-orbit' ),
					'type'        => 'array',
					'items'       => array( 'type' => 'string' ),
					'context'     => $both,
					'readonly'    => true,
				),
			),
		);
	}
}
