<?php
/**
 * Markup shared by the Orbit blocks' server renders.
 *
 * Every value read from post meta is escaped here, at output. The meta is read through
 * the plugin's App_Meta, whose schemas define its shape.
 *
 * @package K8orOrbit
 */

defined( 'ABSPATH' ) || exit;

use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Contract\Contract;
use K8or\Orbit\Settings\Settings;

if ( ! function_exists( 'k8or_orbit_blocks_resolve_app' ) ) {
	/**
	 * The app a block shows: the chosen one, else the post it sits in.
	 *
	 * Returns null when there is none or the visitor may not see it (unpublished
	 * without read access, deleted for someone who cannot follow jobs, or protected
	 * by a password the visitor has not entered).
	 *
	 * @param array<string, mixed> $attributes Block attributes (appId).
	 * @param WP_Block|null        $block      The block, for its postId context.
	 * @return WP_Post|null
	 */
	function k8or_orbit_blocks_resolve_app( $attributes, $block ) {
		$app_id = isset( $attributes['appId'] ) ? absint( $attributes['appId'] ) : 0;
		if ( 0 === $app_id && $block instanceof WP_Block && isset( $block->context['postId'] ) ) {
			$app_id = absint( $block->context['postId'] );
		}
		if ( 0 === $app_id ) {
			$app_id = absint( get_the_ID() );
		}
		$post = $app_id ? get_post( $app_id ) : null;
		if ( ! $post instanceof WP_Post || App_Post_Type::NAME !== $post->post_type ) {
			return null;
		}
		if ( 'publish' !== $post->post_status && ! current_user_can( 'read_post', $post->ID ) ) {
			return null;
		}
		if ( App_Meta::is_deleted( $post->ID ) && ! current_user_can( 'orbit_read_jobs' ) ) {
			return null;
		}
		if ( post_password_required( $post ) ) {
			return null;
		}
		return $post;
	}

	/**
	 * Human-readable label of a scan status.
	 *
	 * @param string $status Scan status from the meta.
	 * @return string
	 */
	function k8or_orbit_blocks_scan_status_label( $status ) {
		$labels = array(
			'none'        => __( 'Not scanned', 'k8or-orbit' ),
			'scanned'     => __( 'Scanned', 'k8or-orbit' ),
			'unavailable' => __( 'Not scanned: scanner unavailable', 'k8or-orbit' ),
		);
		return isset( $labels[ $status ] ) ? $labels[ $status ] : $labels['none'];
	}

	/**
	 * Severity names of the contract, most severe first, with their labels.
	 *
	 * @return array<string, string>
	 */
	function k8or_orbit_blocks_severities() {
		$labels = array(
			'CRITICAL' => __( 'Critical', 'k8or-orbit' ),
			'HIGH'     => __( 'High', 'k8or-orbit' ),
			'MEDIUM'   => __( 'Medium', 'k8or-orbit' ),
			'LOW'      => __( 'Low', 'k8or-orbit' ),
			'UNKNOWN'  => __( 'Unknown', 'k8or-orbit' ),
		);
		$severities = array();
		foreach ( Contract::severities() as $severity ) {
			$severities[ $severity ] = isset( $labels[ $severity ] ) ? $labels[ $severity ] : $severity;
		}
		return $severities;
	}

	/**
	 * The verdict of each environment's policy, in the environments' order, as the bridge worded it:
	 * "dev: allowed · test: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)".
	 * Every screen shows verdicts this way and never says "passed" without the environment.
	 *
	 * @param array<string, mixed> $verdicts Verdicts meta keyed by environment name.
	 * @return string HTML; empty when no verdict was decided yet.
	 */
	function k8or_orbit_blocks_verdicts( $verdicts ) {
		$verdicts = is_array( $verdicts ) ? $verdicts : array();
		$order    = array_flip( Settings::environment_names() );
		uksort(
			$verdicts,
			function ( $a, $b ) use ( $order ) {
				return ( isset( $order[ $a ] ) ? $order[ $a ] : PHP_INT_MAX ) <=> ( isset( $order[ $b ] ) ? $order[ $b ] : PHP_INT_MAX );
			}
		);
		$parts = array();
		foreach ( $verdicts as $verdict ) {
			if ( ! is_array( $verdict ) || ! isset( $verdict['message'] ) ) {
				continue;
			}
			$parts[] = sprintf(
				'<span class="k8or-orbit-verdict %1$s" data-environment="%2$s">%3$s</span>',
				empty( $verdict['allowed'] ) ? 'is-blocked' : 'is-allowed',
				esc_attr( (string) ( isset( $verdict['environment'] ) ? $verdict['environment'] : '' ) ),
				esc_html( (string) $verdict['message'] )
			);
		}
		return array() === $parts ? '' : '<span class="k8or-orbit-verdicts">' . implode( ' · ', $parts ) . '</span>';
	}

	/**
	 * The scan badge: the verdict of each environment, or why there is none.
	 *
	 * @param array<string, mixed> $scan     Scan meta.
	 * @param array<string, mixed> $verdicts Verdicts meta.
	 * @return string HTML.
	 */
	function k8or_orbit_blocks_scan_badge( $scan, $verdicts ) {
		$status  = isset( $scan['status'] ) && is_string( $scan['status'] ) ? $scan['status'] : 'none';
		$verdict = k8or_orbit_blocks_verdicts( $verdicts );
		return sprintf(
			'<span class="k8or-orbit-scan-badge is-status-%1$s">%2$s</span>',
			esc_attr( sanitize_html_class( $status, 'none' ) ),
			'' !== $verdict ? $verdict : esc_html( k8or_orbit_blocks_scan_status_label( $status ) )
		);
	}

	/**
	 * Human-readable label of an environment status.
	 *
	 * @param string $status Environment status from the meta.
	 * @return string
	 */
	function k8or_orbit_blocks_environment_status_label( $status ) {
		$labels = array(
			'none'        => __( 'Not deployed', 'k8or-orbit' ),
			'deploying'   => __( 'Deploying', 'k8or-orbit' ),
			'committed'   => __( 'Committed, waiting for sync', 'k8or-orbit' ),
			'deployed'    => __( 'Deployed', 'k8or-orbit' ),
			'degraded'    => __( 'Degraded', 'k8or-orbit' ),
			'restored'    => __( 'Restored', 'k8or-orbit' ),
			'failed'      => __( 'Deploy failed', 'k8or-orbit' ),
			'deleted'     => __( 'Deleted', 'k8or-orbit' ),
			'transferred' => __( 'Transferred', 'k8or-orbit' ),
			'rolled-back' => __( 'Rolled back', 'k8or-orbit' ),
		);
		return isset( $labels[ $status ] ) ? $labels[ $status ] : $labels['none'];
	}

	/**
	 * "Rolled back to revision 2": what an environment shows from a rollback until the next deploy.
	 *
	 * @param array<string, mixed> $state One environment's state.
	 * @return string Plain text, empty when its last deploy was no rollback.
	 */
	function k8or_orbit_blocks_rolled_back_label( $state ) {
		if ( empty( $state['rolledBackTo'] ) ) {
			return '';
		}
		/* translators: %d: revision number. */
		return sprintf( __( 'Rolled back to revision %d', 'k8or-orbit' ), absint( $state['rolledBackTo'] ) );
	}

	/**
	 * Formats an ISO 8601 time from the meta in the site's date and time format.
	 *
	 * @param mixed $iso_time Time string.
	 * @return string Empty when missing or unreadable.
	 */
	function k8or_orbit_blocks_format_time( $iso_time ) {
		if ( ! is_string( $iso_time ) || '' === $iso_time ) {
			return '';
		}
		$timestamp = strtotime( $iso_time );
		if ( false === $timestamp ) {
			return '';
		}
		return wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $timestamp );
	}

	/**
	 * When the state of an environment last changed by a deploy: deployed, else committed.
	 *
	 * @param array<string, mixed> $state One environment's state.
	 * @return string ISO time, empty when none.
	 */
	function k8or_orbit_blocks_environment_time( $state ) {
		foreach ( array( 'deployedAt', 'committedAt' ) as $key ) {
			if ( isset( $state[ $key ] ) && is_string( $state[ $key ] ) && '' !== $state[ $key ] ) {
				return $state[ $key ];
			}
		}
		return '';
	}

	/**
	 * What the cluster last said about an environment, in words: its health and "2/3 ready".
	 *
	 * @param array<string, mixed> $state One environment's state.
	 * @return list<string> Plain-text parts, none when no cluster reported.
	 */
	function k8or_orbit_blocks_cluster_facts( $state ) {
		$facts = array();
		if ( isset( $state['health'] ) && is_string( $state['health'] ) ) {
			$facts[] = $state['health'];
		}
		$ready = k8or_orbit_blocks_ready_line( $state );
		if ( '' !== $ready ) {
			$facts[] = $ready;
		}
		return $facts;
	}

	/**
	 * Ready replicas of the desired count, "2/3 ready", when the cluster reported them.
	 *
	 * @param array<string, mixed> $state One environment's state.
	 * @return string Plain text, empty when unknown.
	 */
	function k8or_orbit_blocks_ready_line( $state ) {
		if ( ! isset( $state['readyReplicas'], $state['replicas'] ) ) {
			return '';
		}
		/* translators: 1: ready replicas, 2: desired replicas. */
		return sprintf( __( '%1$d/%2$d ready', 'k8or-orbit' ), absint( $state['readyReplicas'] ), absint( $state['replicas'] ) );
	}

	/**
	 * Why an environment is not simply running, in one line: the message of a state that is not
	 * deployed (committed without a cluster to ask, degraded, failed).
	 *
	 * @param string               $status Environment status.
	 * @param array<string, mixed> $state  One environment's state.
	 * @return string Plain text, empty when there is nothing to explain.
	 */
	function k8or_orbit_blocks_environment_reason( $status, $state ) {
		if ( 'deployed' === $status || ! isset( $state['message'] ) || ! is_string( $state['message'] ) ) {
			return '';
		}
		$line = strtok( $state['message'], "\n" );
		return false === $line ? '' : $line;
	}

	/**
	 * Per-environment status in one line each, for cards: "dev: Deployed · revision 3 · Dec 1, 2026 3:00 am".
	 *
	 * @param array<string, mixed> $environments Environments meta keyed by environment name.
	 * @return string HTML, empty when the app runs nowhere.
	 */
	function k8or_orbit_blocks_environment_summary( $environments ) {
		$items = '';
		foreach ( $environments as $name => $state ) {
			$state  = is_array( $state ) ? $state : array();
			$status = isset( $state['status'] ) && is_string( $state['status'] ) ? $state['status'] : 'none';
			if ( 'none' === $status ) {
				continue;
			}
			$parts = array( esc_html( k8or_orbit_blocks_environment_status_label( $status ) ) );
			foreach ( k8or_orbit_blocks_cluster_facts( $state ) as $fact ) {
				$parts[] = esc_html( $fact );
			}
			if ( isset( $state['revision'] ) ) {
				/* translators: %d: revision number. */
				$parts[] = esc_html( sprintf( __( 'revision %d', 'k8or-orbit' ), absint( $state['revision'] ) ) );
			}
			$rolled_back = k8or_orbit_blocks_rolled_back_label( $state );
			if ( '' !== $rolled_back ) {
				$parts[] = esc_html( $rolled_back );
			}
			$time = k8or_orbit_blocks_environment_time( $state );
			if ( '' !== $time ) {
				$parts[] = sprintf( '<time datetime="%1$s">%2$s</time>', esc_attr( $time ), esc_html( k8or_orbit_blocks_format_time( $time ) ) );
			}
			$items .= sprintf(
				'<li class="k8or-orbit-environment-summary__item is-status-%1$s" data-environment="%2$s"><span class="k8or-orbit-environment-summary__name">%2$s:</span> %3$s</li>',
				esc_attr( sanitize_html_class( $status, 'none' ) ),
				esc_html( (string) $name ),
				implode( ' &middot; ', $parts )
			);
		}
		return '' === $items ? '' : '<ul class="k8or-orbit-environment-summary">' . $items . '</ul>';
	}

	/**
	 * Per-environment status as a table.
	 *
	 * @param array<string, mixed> $environments Environments meta keyed by environment name.
	 * @return string HTML.
	 */
	function k8or_orbit_blocks_environment_table( $environments ) {
		if ( empty( $environments ) ) {
			return '<p class="k8or-orbit-environments__empty">' . esc_html__( 'Not deployed to any environment yet.', 'k8or-orbit' ) . '</p>';
		}
		$rows = '';
		foreach ( $environments as $name => $state ) {
			$state       = is_array( $state ) ? $state : array();
			$status      = isset( $state['status'] ) && is_string( $state['status'] ) ? $state['status'] : 'none';
			$rolled_back = k8or_orbit_blocks_rolled_back_label( $state );
			$ready       = k8or_orbit_blocks_ready_line( $state );
			$reason      = k8or_orbit_blocks_environment_reason( $status, $state );
			$rows       .= sprintf(
				'<tr data-environment="%1$s"><th scope="row">%1$s</th><td><span class="k8or-orbit-environment-status is-status-%2$s">%3$s</span>%9$s%4$s</td><td>%5$s</td><td>%6$s</td><td>%7$s</td><td>%8$s</td></tr>',
				esc_html( (string) $name ),
				esc_attr( sanitize_html_class( $status, 'none' ) ),
				esc_html( k8or_orbit_blocks_environment_status_label( $status ) ),
				'' === $reason ? '' : '<span class="k8or-orbit-environment-status__reason">' . esc_html( $reason ) . '</span>',
				isset( $state['health'] ) && is_string( $state['health'] ) ? esc_html( $state['health'] ) : '&mdash;',
				'' !== $ready ? esc_html( $ready ) : ( isset( $state['replicas'] ) ? esc_html( (string) absint( $state['replicas'] ) ) : '&mdash;' ),
				isset( $state['revision'] ) ? esc_html( (string) absint( $state['revision'] ) ) : '&mdash;',
				esc_html( k8or_orbit_blocks_format_time( k8or_orbit_blocks_environment_time( $state ) ) ),
				'' === $rolled_back ? '' : ' <span class="k8or-orbit-environment-status__rolled-back">' . esc_html( $rolled_back ) . '</span>'
			);
		}
		return sprintf(
			'<table class="k8or-orbit-environments"><caption class="screen-reader-text">%1$s</caption><thead><tr><th scope="col">%2$s</th><th scope="col">%3$s</th><th scope="col">%4$s</th><th scope="col">%5$s</th><th scope="col">%6$s</th><th scope="col">%7$s</th></tr></thead><tbody>%8$s</tbody></table>',
			esc_html__( 'Status per environment', 'k8or-orbit' ),
			esc_html__( 'Environment', 'k8or-orbit' ),
			esc_html__( 'Status', 'k8or-orbit' ),
			esc_html__( 'Health', 'k8or-orbit' ),
			esc_html__( 'Replicas', 'k8or-orbit' ),
			esc_html__( 'Revision', 'k8or-orbit' ),
			esc_html__( 'Since', 'k8or-orbit' ),
			$rows
		);
	}

	/**
	 * The versions of an app, newest (the current image) first: label, digests, size, upload
	 * time, scan verdict, and who uploaded it for users who may follow jobs.
	 *
	 * @param list<array<string, mixed>> $versions      Versions from App_Meta::versions().
	 * @param bool                       $show_uploader Whether to show who uploaded each version.
	 * @return string HTML.
	 */
	function k8or_orbit_blocks_versions_table( $versions, $show_uploader ) {
		if ( empty( $versions ) ) {
			return '';
		}
		$text = static function ( $version, $key ) {
			return isset( $version[ $key ] ) && is_scalar( $version[ $key ] ) ? (string) $version[ $key ] : '';
		};
		$rows = '';
		foreach ( array_values( $versions ) as $index => $version ) {
			$scan     = isset( $version['scan'] ) && is_array( $version['scan'] ) ? $version['scan'] : array();
			$status   = isset( $scan['status'] ) && is_string( $scan['status'] ) ? $scan['status'] : 'none';
			$uploader = isset( $version['uploadedBy']['login'] ) && is_string( $version['uploadedBy']['login'] ) ? $version['uploadedBy']['login'] : '';
			$rows    .= sprintf(
				'<tr><th scope="row">%1$s%2$s</th><td><code>%3$s</code></td><td><code>%4$s</code></td><td>%5$s</td>%6$s<td>%7$s</td><td><span class="k8or-orbit-scan-badge is-status-%8$s">%9$s</span></td></tr>',
				esc_html( $text( $version, 'label' ) ),
				0 === $index ? ' <span class="k8or-orbit-versions__current">' . esc_html__( '(current)', 'k8or-orbit' ) . '</span>' : '',
				esc_html( $text( $version, 'configDigest' ) ),
				esc_html( $text( $version, 'archiveDigest' ) ),
				'' === $text( $version, 'size' ) ? '&mdash;' : esc_html( size_format( absint( $text( $version, 'size' ) ), 1 ) ),
				$show_uploader ? '<td>' . ( '' === $uploader ? '&mdash;' : esc_html( $uploader ) ) . '</td>' : '',
				esc_html( k8or_orbit_blocks_format_time( $text( $version, 'uploadedAt' ) ) ),
				esc_attr( sanitize_html_class( $status, 'none' ) ),
				esc_html( k8or_orbit_blocks_scan_status_label( $status ) )
			);
		}
		return sprintf(
			'<table class="k8or-orbit-versions"><caption class="screen-reader-text">%1$s</caption><thead><tr><th scope="col">%2$s</th><th scope="col">%3$s</th><th scope="col">%4$s</th><th scope="col">%5$s</th>%6$s<th scope="col">%7$s</th><th scope="col">%8$s</th></tr></thead><tbody>%9$s</tbody></table>',
			esc_html__( 'Versions, newest first', 'k8or-orbit' ),
			esc_html__( 'Version', 'k8or-orbit' ),
			esc_html__( 'Image ID (config digest)', 'k8or-orbit' ),
			esc_html__( 'Archive SHA-256', 'k8or-orbit' ),
			esc_html__( 'Size', 'k8or-orbit' ),
			$show_uploader ? '<th scope="col">' . esc_html__( 'Uploaded by', 'k8or-orbit' ) . '</th>' : '',
			esc_html__( 'Uploaded at', 'k8or-orbit' ),
			esc_html__( 'Scan', 'k8or-orbit' ),
			$rows
		);
	}

	/**
	 * Scan summary: the verdict of each environment, then the count per severity with when and by
	 * what, or, when the image could not be scanned, only why.
	 *
	 * @param array<string, mixed> $scan     Scan meta.
	 * @param array<string, mixed> $verdicts Verdicts meta.
	 * @return string HTML.
	 */
	function k8or_orbit_blocks_scan_summary( $scan, $verdicts ) {
		$status = isset( $scan['status'] ) && is_string( $scan['status'] ) ? $scan['status'] : 'none';
		$items  = '';
		$meta   = '';
		if ( 'scanned' === $status ) {
			$counts = isset( $scan['counts'] ) && is_array( $scan['counts'] ) ? $scan['counts'] : array();
			foreach ( k8or_orbit_blocks_severities() as $severity => $label ) {
				$items .= sprintf(
					'<li class="k8or-orbit-scan-summary__count is-severity-%1$s"><span class="k8or-orbit-scan-summary__number">%2$s</span> <span class="k8or-orbit-scan-summary__label">%3$s</span></li>',
					esc_attr( strtolower( $severity ) ),
					esc_html( number_format_i18n( isset( $counts[ $severity ] ) ? absint( $counts[ $severity ] ) : 0 ) ),
					esc_html( $label )
				);
			}
			$scanned_at = k8or_orbit_blocks_format_time( isset( $scan['scannedAt'] ) ? $scan['scannedAt'] : '' );
			$scanner    = isset( $scan['scanner'] ) && is_string( $scan['scanner'] ) ? $scan['scanner'] : '';
			if ( '' !== $scanned_at ) {
				$meta = sprintf(
					/* translators: 1: date and time of the scan, 2: scanner name and version. */
					__( 'Scanned %1$s with %2$s.', 'k8or-orbit' ),
					$scanned_at,
					'' === $scanner ? __( 'an unknown scanner', 'k8or-orbit' ) : $scanner
				);
			}
		} elseif ( 'unavailable' === $status ) {
			// No counts: zeros would read as a clean scan. Only why there are none.
			$meta = sprintf(
				/* translators: %s: the reason, in the scanner's or the bridge's words. */
				__( 'Not scanned: %s', 'k8or-orbit' ),
				isset( $scan['reason'] ) && is_string( $scan['reason'] ) ? $scan['reason'] : __( 'the scanner is unavailable', 'k8or-orbit' )
			);
		}
		return sprintf(
			'<div class="k8or-orbit-scan-summary">%1$s%2$s%3$s</div>',
			k8or_orbit_blocks_scan_badge( $scan, $verdicts ),
			'' === $items ? '' : '<ul class="k8or-orbit-scan-summary__counts" aria-label="' . esc_attr__( 'Findings per severity', 'k8or-orbit' ) . '">' . $items . '</ul>',
			'' === $meta ? '' : '<p class="k8or-orbit-scan-summary__meta">' . esc_html( $meta ) . '</p>'
		);
	}

	/**
	 * Image facts as a description list.
	 *
	 * @param array<string, mixed> $image Image meta.
	 * @return string HTML.
	 */
	function k8or_orbit_blocks_image_facts( $image ) {
		$text  = static function ( $key ) use ( $image ) {
			return isset( $image[ $key ] ) && is_scalar( $image[ $key ] ) ? (string) $image[ $key ] : '';
		};
		$ports = isset( $image['exposedPorts'] ) && is_array( $image['exposedPorts'] ) ? array_filter( $image['exposedPorts'], 'is_string' ) : array();
		$facts = array(
			'repository' => array( __( 'Repository', 'k8or-orbit' ), esc_html( $text( 'repository' ) ) ),
			'tag'        => array( __( 'Tag', 'k8or-orbit' ), esc_html( $text( 'tag' ) ) ),
			'version'    => array( __( 'Version', 'k8or-orbit' ), esc_html( $text( 'version' ) ) ),
			'digest'     => array( __( 'Digest', 'k8or-orbit' ), '<code>' . esc_html( $text( 'manifestDigest' ) ) . '</code>' ),
			'image-id'   => array( __( 'Image ID (config digest)', 'k8or-orbit' ), '<code>' . esc_html( $text( 'configDigest' ) ) . '</code>' ),
			'size'       => array( __( 'Size', 'k8or-orbit' ), '' === $text( 'size' ) ? '' : esc_html( size_format( absint( $text( 'size' ) ), 1 ) ) ),
			'platform'   => array(
				__( 'OS / architecture', 'k8or-orbit' ),
				esc_html( trim( $text( 'os' ) . ' / ' . $text( 'architecture' ), ' /' ) ),
			),
			'ports'      => array( __( 'Ports', 'k8or-orbit' ), esc_html( implode( ', ', $ports ) ) ),
		);
		// A docker-archive carries no registry manifest, so its digest is known only once
		// the image is pushed; until then the config digest identifies it.
		if ( '' === $text( 'manifestDigest' ) ) {
			unset( $facts['digest'] );
		}
		$rows = '';
		foreach ( $facts as $key => $fact ) {
			$rows .= sprintf(
				'<div class="k8or-orbit-image-facts__fact is-fact-%1$s"><dt>%2$s</dt><dd>%3$s</dd></div>',
				esc_attr( $key ),
				esc_html( $fact[0] ),
				'' === $fact[1] || '<code></code>' === $fact[1] ? '&mdash;' : $fact[1]
			);
		}
		return '<dl class="k8or-orbit-image-facts">' . $rows . '</dl>';
	}
}
