<?php
/**
 * Orbit → Settings: the bridge link, environments and policy.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Admin;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Bridge\Config;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * A form posting to admin-post.php, validated by Settings::update() like PUT /settings.
 */
final class Settings_Page {

	public const SLUG = 'k8or-orbit-settings';

	private const ACTION = 'k8or_orbit_save_settings';

	/**
	 * Adds hooks.
	 */
	public function add_hooks(): void {
		add_action( 'admin_menu', array( $this, 'add_menu' ), 20 );
		add_action( 'admin_post_' . self::ACTION, array( $this, 'save' ) );
	}

	/**
	 * Adds the submenu.
	 */
	public function add_menu(): void {
		add_submenu_page( Admin_Page::SLUG, __( 'Orbit Settings', 'k8or-orbit' ), __( 'Settings', 'k8or-orbit' ), Capabilities::MANAGE_SETTINGS, self::SLUG, array( $this, 'render' ) );
	}

	/**
	 * Saves the submitted form.
	 */
	public function save(): void {
		if ( ! current_user_can( Capabilities::MANAGE_SETTINGS ) ) {
			wp_die( esc_html__( 'You are not allowed to change the Orbit settings.', 'k8or-orbit' ), 403 );
		}
		check_admin_referer( self::ACTION );

		// phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- validated by Settings::validate().
		$input   = wp_unslash( $_POST['orbit'] ?? array() );
		$input   = is_array( $input ) ? $input : array();
		$changes = array( 'removeContentOnUninstall' => ! empty( $input['removeContentOnUninstall'] ) );
		foreach ( array_keys( Config::SOURCES ) as $key ) {
			if ( isset( $input[ $key ] ) && ! in_array( $key, Config::fixed_keys(), true ) ) {
				$changes[ $key ] = (string) $input[ $key ];
			}
		}
		$changes['environments'] = array();
		foreach ( (array) ( $input['environments'] ?? array() ) as $row ) {
			if ( ! is_array( $row ) || '' === trim( (string) ( $row['name'] ?? '' ) ) || ! empty( $row['remove'] ) ) {
				continue;
			}
			$changes['environments'][] = array(
				'name'       => $row['name'],
				'namespace'  => $row['namespace'] ?? '',
				'bucket'     => $row['bucket'] ?? '',
				'registry'   => $row['registry'] ?? '',
				'mode'       => $row['mode'] ?? 'gitops',
				'restricted' => ! empty( $row['restricted'] ),
				'policy'     => array(
					'scanRequired'      => ! empty( $row['scanRequired'] ),
					'maxSeverity'       => $row['maxSeverity'] ?? 'CRITICAL',
					'unknownSeverityAs' => $row['unknownSeverityAs'] ?? 'CRITICAL',
					'exemptions'        => self::parse_exemptions( (string) ( $row['exemptions'] ?? '' ) ),
				),
			);
		}

		$result   = Settings::update( $changes );
		$redirect = admin_url( 'admin.php?page=' . self::SLUG );
		if ( is_wp_error( $result ) ) {
			set_transient( $this->errors_key(), $result->get_error_messages(), 5 * MINUTE_IN_SECONDS );
			$redirect = add_query_arg( 'orbit-settings', 'invalid', $redirect );
		} else {
			$redirect = add_query_arg( 'orbit-settings', 'saved', $redirect );
		}
		wp_safe_redirect( $redirect );
		exit;
	}

	/**
	 * Renders the form.
	 */
	public function render(): void {
		if ( ! current_user_can( Capabilities::MANAGE_SETTINGS ) ) {
			wp_die( esc_html__( 'You are not allowed to change the Orbit settings.', 'k8or-orbit' ), 403 );
		}
		$settings = Settings::get();
		$fixed    = Config::fixed_keys();
		echo '<div class="wrap"><h1>' . esc_html__( 'Orbit Settings', 'k8or-orbit' ) . '</h1>';
		$this->render_notices();
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '" />';
		wp_nonce_field( self::ACTION );

		echo '<h2>' . esc_html__( 'Bridge', 'k8or-orbit' ) . '</h2><table class="form-table" role="presentation">';
		$this->text_row( 'bridgeUrl', __( 'Bridge URL', 'k8or-orbit' ), $settings, $fixed, 'url', __( 'e.g. http://127.0.0.1:8787', 'k8or-orbit' ) );
		$this->secret_row( 'bridgeSecret', __( 'Bridge secret', 'k8or-orbit' ), $fixed, __( 'At least 32 characters, the same as the bridge\'s ORBIT_BRIDGE_SECRET. Leave empty to keep the current one.', 'k8or-orbit' ) );
		echo '</table>';

		echo '<h2>' . esc_html__( 'Live progress', 'k8or-orbit' ) . '</h2><table class="form-table" role="presentation">';
		$this->text_row( 'natsWebsocketUrl', __( 'NATS websocket URL', 'k8or-orbit' ), $settings, $fixed, 'url', __( 'e.g. ws://127.0.0.1:4223', 'k8or-orbit' ) );
		echo '</table>';

		$this->render_environments( $settings['environments'] );

		echo '<h2>' . esc_html__( 'Uninstall', 'k8or-orbit' ) . '</h2><p><label><input type="checkbox" name="orbit[removeContentOnUninstall]" value="1" ' . checked( $settings['removeContentOnUninstall'], true, false ) . ' /> ';
		echo esc_html__( 'Also delete all apps and app categories when the plugin is uninstalled.', 'k8or-orbit' ) . '</label></p>';

		submit_button( __( 'Save settings', 'k8or-orbit' ) );
		echo '</form></div>';
	}

	/**
	 * Shows the outcome of the last save.
	 */
	private function render_notices(): void {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only chooses which notice to show.
		$outcome = sanitize_key( $_GET['orbit-settings'] ?? '' );
		if ( 'saved' === $outcome ) {
			echo '<div class="notice notice-success"><p>' . esc_html__( 'Settings saved.', 'k8or-orbit' ) . '</p></div>';
		}
		$errors = get_transient( $this->errors_key() );
		if ( 'invalid' === $outcome && is_array( $errors ) ) {
			delete_transient( $this->errors_key() );
			echo '<div class="notice notice-error" id="k8or-orbit-settings-errors"><p>' . esc_html__( 'Nothing was saved. Fix these and save again:', 'k8or-orbit' ) . '</p><ul>';
			foreach ( $errors as $message ) {
				echo '<li>' . esc_html( $message ) . '</li>';
			}
			echo '</ul></div>';
		}
	}

	/**
	 * The environments table, with one empty row to add an environment.
	 *
	 * @param list<array<string, mixed>> $environments Configured environments.
	 */
	private function render_environments( array $environments ): void {
		echo '<h2>' . esc_html__( 'Environments', 'k8or-orbit' ) . '</h2>';
		echo '<p>' . esc_html__( 'In promotion order. Fill the empty row to add an environment; its deploy capability is given to administrators (and to operators unless restricted).', 'k8or-orbit' ) . '</p>';
		echo '<table class="widefat striped" id="k8or-orbit-environments"><thead><tr>';
		$headings = array(
			__( 'Name', 'k8or-orbit' ),
			__( 'Namespace', 'k8or-orbit' ),
			__( 'Bucket', 'k8or-orbit' ),
			__( 'Registry', 'k8or-orbit' ),
			__( 'Mode', 'k8or-orbit' ),
			__( 'Administrators only', 'k8or-orbit' ),
			__( 'Scan required', 'k8or-orbit' ),
			__( 'Highest severity allowed', 'k8or-orbit' ),
			__( 'Unknown severity counts as', 'k8or-orbit' ),
			__( 'Exemptions (one a line: id | app or * | expires YYYY-MM-DD | who | reason)', 'k8or-orbit' ),
			__( 'Remove', 'k8or-orbit' ),
		);
		foreach ( $headings as $heading ) {
			echo '<th scope="col">' . esc_html( $heading ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		$rows   = $environments;
		$rows[] = array();
		foreach ( $rows as $index => $environment ) {
			$name = 'orbit[environments][' . (int) $index . ']';
			echo '<tr>';
			foreach ( array( 'name', 'namespace', 'bucket', 'registry' ) as $field ) {
				printf(
					'<td><input type="text" class="regular-text" style="width:100%%" name="%1$s[%2$s]" value="%3$s" aria-label="%4$s" /></td>',
					esc_attr( $name ),
					esc_attr( $field ),
					esc_attr( (string) ( $environment[ $field ] ?? '' ) ),
					esc_attr( $field )
				);
			}
			echo '<td><select name="' . esc_attr( $name ) . '[mode]">';
			foreach ( Settings::modes() as $mode ) {
				echo '<option value="' . esc_attr( $mode ) . '" ' . selected( $environment['mode'] ?? 'gitops', $mode, false ) . '>' . esc_html( $mode ) . '</option>';
			}
			echo '</select></td>';
			echo '<td><input type="checkbox" name="' . esc_attr( $name ) . '[restricted]" value="1" ' . checked( ! empty( $environment['restricted'] ), true, false ) . ' /></td>';
			echo '<td><input type="checkbox" name="' . esc_attr( $name ) . '[scanRequired]" value="1" ' . checked( ! empty( $environment['policy']['scanRequired'] ), true, false ) . ' /></td>';
			echo '<td><select name="' . esc_attr( $name ) . '[maxSeverity]">';
			foreach ( Contract::severity_limits() as $severity ) {
				echo '<option value="' . esc_attr( $severity ) . '" ' . selected( strtoupper( $environment['policy']['maxSeverity'] ?? 'CRITICAL' ), $severity, false ) . '>' . esc_html( $severity ) . '</option>';
			}
			echo '</select></td>';
			echo '<td><select name="' . esc_attr( $name ) . '[unknownSeverityAs]">';
			foreach ( Contract::severities() as $severity ) {
				echo '<option value="' . esc_attr( $severity ) . '" ' . selected( $environment['policy']['unknownSeverityAs'] ?? 'CRITICAL', $severity, false ) . '>' . esc_html( $severity ) . '</option>';
			}
			echo '</select></td>';
			$lines = array_map(
				fn( $exemption ) => implode( ' | ', array( $exemption['id'], $exemption['app'], $exemption['expires'], $exemption['by'], $exemption['reason'] ) ),
				(array) ( $environment['policy']['exemptions'] ?? array() )
			);
			echo '<td><textarea rows="2" cols="40" name="' . esc_attr( $name ) . '[exemptions]" aria-label="' . esc_attr__( 'Exemptions', 'k8or-orbit' ) . '">' . esc_textarea( implode( "\n", $lines ) ) . '</textarea></td>';
			echo '<td>' . ( array() === $environment ? '' : '<input type="checkbox" name="' . esc_attr( $name ) . '[remove]" value="1" />' ) . '</td>';
			echo '</tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * Exemptions as typed in the settings screen, one a line
	 * "CVE-2019-14697 | hello-web | 2026-03-31 | admin | reason"; who defaults to the current user.
	 * Settings::update() validates them against the contract.
	 *
	 * @param string $text The textarea.
	 * @return list<array{id: string, app: string, expires: string, by: string, reason: string}>
	 */
	private static function parse_exemptions( string $text ): array {
		$exemptions = array();
		foreach ( preg_split( '/\R/', $text ) as $line ) {
			if ( '' === trim( $line ) ) {
				continue;
			}
			$cells        = array_map( 'trim', explode( '|', $line, 5 ) ) + array_fill( 0, 5, '' );
			$exemptions[] = array(
				'id'      => sanitize_text_field( $cells[0] ),
				'app'     => sanitize_text_field( $cells[1] ),
				'expires' => sanitize_text_field( $cells[2] ),
				'by'      => '' !== $cells[3] ? sanitize_text_field( $cells[3] ) : wp_get_current_user()->user_login,
				'reason'  => sanitize_text_field( $cells[4] ),
			);
		}
		return $exemptions;
	}

	/**
	 * A text setting, read-only when a constant fixes it.
	 *
	 * @param string       $key      Setting key.
	 * @param string       $label    Label.
	 * @param array        $settings Stored settings.
	 * @param list<string> $fixed    Keys fixed by constants.
	 * @param string       $type     Input type.
	 * @param string       $help     Help text.
	 */
	private function text_row( string $key, string $label, array $settings, array $fixed, string $type, string $help ): void {
		$is_fixed = in_array( $key, $fixed, true );
		printf(
			'<tr><th scope="row"><label for="k8or-orbit-%1$s">%2$s</label></th><td><input id="k8or-orbit-%1$s" type="%3$s" class="regular-text" name="orbit[%1$s]" value="%4$s" %5$s /><p class="description">%6$s</p></td></tr>',
			esc_attr( $key ),
			esc_html( $label ),
			esc_attr( $type ),
			esc_attr( $is_fixed ? Config::get( $key ) : (string) $settings[ $key ] ),
			$is_fixed ? 'disabled' : '',
			esc_html( $is_fixed ? $this->fixed_note( $key ) : $help )
		);
	}

	/**
	 * A write-only secret.
	 *
	 * @param string       $key   Setting key.
	 * @param string       $label Label.
	 * @param list<string> $fixed Keys fixed by constants.
	 * @param string       $help  Help text.
	 */
	private function secret_row( string $key, string $label, array $fixed, string $help ): void {
		$is_fixed = in_array( $key, $fixed, true );
		$is_set   = '' !== Config::get( $key );
		printf(
			'<tr><th scope="row"><label for="k8or-orbit-%1$s">%2$s</label></th><td><input id="k8or-orbit-%1$s" type="password" autocomplete="new-password" class="regular-text" name="orbit[%1$s]" value="" placeholder="%3$s" %4$s /><p class="description">%5$s</p></td></tr>',
			esc_attr( $key ),
			esc_html( $label ),
			esc_attr( $is_set ? __( '(set)', 'k8or-orbit' ) : __( '(not set)', 'k8or-orbit' ) ),
			$is_fixed ? 'disabled' : '',
			esc_html( $is_fixed ? $this->fixed_note( $key ) : $help )
		);
	}

	/**
	 * Explains that a constant fixes the value.
	 *
	 * @param string $key Setting key.
	 */
	private function fixed_note( string $key ): string {
		/* translators: %s: constant name. */
		return sprintf( __( 'Set by %s in wp-config.php or the environment; change it there.', 'k8or-orbit' ), Config::SOURCES[ $key ] );
	}

	/**
	 * Where the last save's errors wait for the redirect.
	 */
	private function errors_key(): string {
		return 'k8or_orbit_settings_errors_' . get_current_user_id();
	}
}
