<?php
/**
 * Wires the plugin's areas together.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Admin\Admin_Page;
use K8or\Orbit\Admin\Settings_Page;
use K8or\Orbit\Blocks\Block_Registry;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Content\Category_Taxonomy;
use K8or\Orbit\Install\Installer;
use K8or\Orbit\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * Creates each area and lets it add its hooks. Nothing happens in constructors.
 */
final class Plugin {

	/**
	 * Creates the plugin.
	 *
	 * @param string $file Main plugin file.
	 */
	public function __construct( private string $file ) {
	}

	/**
	 * Adds every hook.
	 */
	public function add_hooks(): void {
		register_activation_hook( $this->file, array( Installer::class, 'install' ) );
		register_deactivation_hook( $this->file, array( Installer::class, 'deactivate' ) );
		add_action( Installer::PURGE_HOOK, array( Installer::class, 'purge' ) );
		add_action( 'init', array( Installer::class, 'maybe_upgrade' ), 1 );
		add_action( 'init', array( $this, 'load_textdomain' ) );
		add_action( 'rest_api_init', array( $this, 'register_rest_routes' ) );

		( new App_Post_Type() )->add_hooks();
		( new Category_Taxonomy() )->add_hooks();
		( new App_Meta() )->add_hooks();
		( new Roles() )->add_hooks();
		( new Block_Registry( plugin_dir_path( $this->file ) . 'build/blocks' ) )->add_hooks();
		( new Admin_Page( $this->file ) )->add_hooks();
		( new Settings_Page() )->add_hooks();
	}

	/**
	 * Loads translations.
	 */
	public function load_textdomain(): void {
		load_plugin_textdomain( 'k8or-orbit', false, dirname( plugin_basename( $this->file ) ) . '/languages' );
	}

	/**
	 * Registers one controller per resource under k8or-orbit/v1.
	 */
	public function register_rest_routes(): void {
		$controllers = array(
			new Rest\Apps_Controller(),
			new Rest\Environments_Controller(),
			new Rest\Uploads_Controller(),
			new Rest\Scan_Controller(),
			new Rest\Deployments_Controller(),
			new Rest\Rollbacks_Controller(),
			new Rest\Environment_Status_Controller(),
			new Rest\Manifests_Controller(),
			new Rest\Versions_Controller(),
			new Rest\Jobs_Controller(),
			new Rest\App_Events_Controller(),
			new Rest\Live_Controller(),
			new Rest\Settings_Controller(),
			new Rest\Bridge_Events_Controller(),
			new Rest\Bridge_Status_Controller(),
			new Rest\Dead_Letters_Controller(),
		);
		foreach ( $controllers as $controller ) {
			$controller->register_routes();
		}
	}
}
