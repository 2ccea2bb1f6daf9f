/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { EnvironmentState, EnvironmentStatus } from './types';

export const ENVIRONMENT_STATUS_LABELS: Record< EnvironmentStatus, string > = {
	none: __( 'not deployed', 'k8or-orbit' ),
	deploying: __( 'deploying', 'k8or-orbit' ),
	committed: __( 'committed', 'k8or-orbit' ),
	deployed: __( 'deployed', 'k8or-orbit' ),
	degraded: __( 'degraded', 'k8or-orbit' ),
	failed: __( 'failed', 'k8or-orbit' ),
	deleted: __( 'deleted', 'k8or-orbit' ),
	restored: __( 'restored', 'k8or-orbit' ),
	transferred: __( 'transferred', 'k8or-orbit' ),
};

/**
 * A digest shortened for a sentence: "sha256:ab12cd34ef56…".
 *
 * @param digest Full digest.
 */
export function shortDigest( digest: string ): string {
	return digest.replace( /^(sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1…' );
}

/**
 * "2 min ago", "3 h ago", "5 days ago".
 *
 * @param iso Time.
 * @param now The time now (ms).
 */
export function timeAgo( iso: string, now = Date.now() ): string {
	const seconds = Math.max(
		0,
		Math.round( ( now - Date.parse( iso ) ) / 1000 )
	);
	if ( seconds < 60 ) {
		return __( 'just now', 'k8or-orbit' );
	}
	if ( seconds < 3600 ) {
		return sprintf(
			/* translators: %d: minutes. */
			__( '%d min ago', 'k8or-orbit' ),
			Math.floor( seconds / 60 )
		);
	}
	if ( seconds < 86400 ) {
		return sprintf(
			/* translators: %d: hours. */
			__( '%d h ago', 'k8or-orbit' ),
			Math.floor( seconds / 3600 )
		);
	}
	return sprintf(
		/* translators: %d: days. */
		__( '%d days ago', 'k8or-orbit' ),
		Math.floor( seconds / 86400 )
	);
}

/**
 * "rolled back to revision 2": what an environment shows from a rollback until the next deploy.
 *
 * @param revision The revision rolled back to.
 */
export function rolledBackLabel( revision: number ): string {
	return sprintf(
		/* translators: %d: revision. */
		__( 'rolled back to revision %d', 'k8or-orbit' ),
		revision
	);
}

/**
 * Ready replicas of the desired count, "2/3 ready", when the cluster reported them.
 *
 * @param state The environment's state.
 */
export function readyLine( state: EnvironmentState ): string {
	if ( state.readyReplicas === undefined || state.replicas === undefined ) {
		return '';
	}
	return sprintf(
		/* translators: 1: ready replicas, 2: desired replicas. */
		__( '%1$d/%2$d ready', 'k8or-orbit' ),
		state.readyReplicas,
		state.replicas
	);
}

/**
 * "dev: revision 3, committed 2 min ago by operator, waiting for sync", with
 * "rolled back to revision 2" after a rollback; "dev: revision 3, deployed 1 min ago,
 * Healthy, 3/3 ready" once the cluster reported.
 *
 * @param environment Environment name.
 * @param state       The app's state there.
 * @param now         The time now (ms).
 */
export function environmentLine(
	environment: string,
	state: EnvironmentState | undefined,
	now = Date.now()
): string {
	if ( ! state || state.status === 'none' ) {
		/* translators: %s: environment. */
		return sprintf( __( '%s: not deployed', 'k8or-orbit' ), environment );
	}
	const parts = [
		state.revision
			? /* translators: %d: revision. */
				sprintf( __( 'revision %d', 'k8or-orbit' ), state.revision )
			: '',
	];
	const when = state.deployedAt ?? state.committedAt ?? state.updatedAt;
	let status = ENVIRONMENT_STATUS_LABELS[ state.status ] ?? state.status;
	if ( when ) {
		status += ' ' + timeAgo( when, now );
	}
	if ( state.actor?.login ) {
		status +=
			' ' +
			sprintf(
				/* translators: %s: user login. */
				__( 'by %s', 'k8or-orbit' ),
				state.actor.login
			);
	}
	parts.push( status );
	if ( state.rolledBackTo ) {
		parts.push( rolledBackLabel( state.rolledBackTo ) );
	}
	if ( state.status === 'committed' ) {
		parts.push( __( 'waiting for sync', 'k8or-orbit' ) );
	}
	// A Degraded health under a degraded status says nothing new.
	if ( state.health && state.health.toLowerCase() !== state.status ) {
		parts.push( state.health );
	}
	parts.push( readyLine( state ) );
	if ( state.message && [ 'failed', 'degraded' ].includes( state.status ) ) {
		parts.push( state.message );
	}
	return `${ environment }: ${ parts.filter( Boolean ).join( ', ' ) }`;
}
