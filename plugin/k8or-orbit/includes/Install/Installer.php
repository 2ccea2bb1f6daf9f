<?php
/**
 * Activation, upgrade and uninstall.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Install;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Bridge\Applied_Event_Store;
use K8or\Orbit\Bridge\Request_Id_Store;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Content\Category_Taxonomy;
use K8or\Orbit\Settings\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Creates the tables and capabilities, and takes them away again.
 */
final class Installer {

	public const VERSION_OPTION = 'k8or_orbit_version';

	/** Daily clean-up of the once-only tables. */
	public const PURGE_HOOK = 'k8or_orbit_purge';

	/** How long applied events are remembered. */
	private const APPLIED_EVENT_DAYS = 30;

	/**
	 * Creates or updates the tables and the roles, then records the version.
	 */
	public static function install(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$charset_collate = $wpdb->get_charset_collate();
		dbDelta( Request_Id_Store::schema( $charset_collate ) );
		dbDelta( Applied_Event_Store::schema( $charset_collate ) );
		Roles::sync();
		self::schedule_purge();
		update_option( self::VERSION_OPTION, K8OR_ORBIT_VERSION );
	}

	/**
	 * Schedules the daily clean-up unless it is scheduled.
	 */
	private static function schedule_purge(): void {
		if ( ! wp_next_scheduled( self::PURGE_HOOK ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', self::PURGE_HOOK );
		}
	}

	/**
	 * Forgets request ids past their window and events applied long ago.
	 */
	public static function purge(): void {
		Request_Id_Store::purge_expired( time() );
		Applied_Event_Store::purge_older_than( self::APPLIED_EVENT_DAYS );
	}

	/**
	 * Stops the daily clean-up; install() schedules it again on activation.
	 */
	public static function deactivate(): void {
		wp_clear_scheduled_hook( self::PURGE_HOOK );
	}

	/**
	 * Runs install() when the code is newer than what the database has seen (updates skip activation).
	 */
	public static function maybe_upgrade(): void {
		if ( get_option( self::VERSION_OPTION ) !== K8OR_ORBIT_VERSION ) {
			self::install();
		} else {
			// A lost schedule (e.g. a cron option reset) comes back without a version change.
			self::schedule_purge();
		}
	}

	/**
	 * Removes capabilities, the role, tables and options; content only when the administrator opted in.
	 */
	public static function uninstall(): void {
		global $wpdb;
		$remove_content = Settings::get()['removeContentOnUninstall'];

		Roles::remove();
		self::deactivate();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own tables.
		$wpdb->query( $wpdb->prepare( 'DROP TABLE IF EXISTS %i, %i', Request_Id_Store::table(), Applied_Event_Store::table() ) );
		delete_option( Settings::OPTION );
		delete_option( self::VERSION_OPTION );

		if ( $remove_content ) {
			// The plugin is not loaded while uninstalling; core needs the types to delete their items.
			( new App_Post_Type() )->register();
			( new Category_Taxonomy() )->register();
			$ids = get_posts(
				array(
					'post_type'   => App_Post_Type::NAME,
					'post_status' => 'any',
					'numberposts' => -1,
					'fields'      => 'ids',
				)
			);
			foreach ( $ids as $id ) {
				wp_delete_post( $id, true );
			}
			$terms = get_terms(
				array(
					'taxonomy'   => Category_Taxonomy::NAME,
					'hide_empty' => false,
					'fields'     => 'ids',
				)
			);
			foreach ( is_array( $terms ) ? $terms : array() as $term_id ) {
				wp_delete_term( $term_id, Category_Taxonomy::NAME );
			}
		}
	}
}
