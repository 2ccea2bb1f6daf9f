/**
 * What an Argo CD Application says about one Orbit app at one commit,
 * decided in one place for the sync step, the notification webhook and the
 * status job.
 */
import type { WorkloadHealth } from './rollout.js';

interface ResourceStatus {
	group?: string;
	kind?: string;
	namespace?: string;
	name?: string;
	status?: string;
	health?: { status?: string; message?: string };
}

interface ResourceResult {
	kind?: string;
	namespace?: string;
	name?: string;
	status?: string;
	message?: string;
}

/** The fields of an Application (argoproj.io/v1alpha1) the verdict reads. */
export interface ApplicationView {
	metadata?: { name?: string };
	status?: {
		resources?: ResourceStatus[];
		sync?: { status?: string; revision?: string };
		health?: { status?: string; message?: string };
		operationState?: {
			phase?: string;
			message?: string;
			operation?: { sync?: { revision?: string } };
			syncResult?: { revision?: string; resources?: ResourceResult[] };
			finishedAt?: string;
		};
	};
}

/** The app's objects inside an environment's Application. */
export interface AppSelector {
	namespace: string;
	/** Objects of the app carry its name. */
	name: string;
}

export type SyncVerdict =
	| { state: 'deployed'; health: 'Healthy'; revision: string; at?: string }
	| {
			state: 'syncing';
			health: WorkloadHealth;
			revision?: string;
			message: string;
	  }
	| {
			state: 'degraded' | 'failed';
			health: WorkloadHealth;
			revision?: string;
			resource?: string;
			message: string;
	  };

const OPERATION_FAILED = [ 'Failed', 'Error' ];

function belongs(
	resource: { namespace?: string; name?: string },
	app: AppSelector
) {
	return resource.namespace === app.namespace && resource.name === app.name;
}

const label = ( resource: { kind?: string; name?: string } ) =>
	`${ resource.kind ?? 'resource' }/${ resource.name ?? '?' }`;

/** Argo CD's health word, as Orbit shows it (Suspended and Unknown read as Progressing). */
function health( word: string | undefined ): WorkloadHealth {
	if ( word === 'Healthy' || word === 'Degraded' || word === 'Missing' ) {
		return word;
	}
	return 'Progressing';
}

/**
 * The app's state in the Application. With `revision`, only that commit
 * counts as deployed; without, whatever Argo CD synced last (notifications).
 */
export function syncVerdict(
	application: ApplicationView,
	app: AppSelector,
	revision?: string
): SyncVerdict {
	const status = application.status ?? {};
	const operation = status.operationState;
	const operationRevision =
		operation?.syncResult?.revision ?? operation?.operation?.sync?.revision;
	if (
		operation &&
		OPERATION_FAILED.includes( operation.phase ?? '' ) &&
		( ! revision || operationRevision === revision )
	) {
		const failed = ( operation.syncResult?.resources ?? [] ).find(
			( resource ) => resource.status === 'SyncFailed'
		);
		return {
			state: 'failed',
			health: 'Degraded',
			revision: operationRevision,
			...( failed ? { resource: label( failed ) } : {} ),
			message: failed?.message
				? `${ label( failed ) }: ${ failed.message }`
				: ( operation.message ?? 'The sync failed.' ),
		};
	}
	const synced = status.sync?.revision;
	if (
		status.sync?.status !== 'Synced' ||
		( revision && synced !== revision )
	) {
		return {
			state: 'syncing',
			health: 'Progressing',
			revision: synced,
			message: `Argo CD has ${ status.sync?.status ?? 'not compared' } ${
				synced ? synced.slice( 0, 7 ) : 'the repository'
			}${ revision ? `, waiting for ${ revision.slice( 0, 7 ) }` : '' }.`,
		};
	}
	const mine = ( status.resources ?? [] ).filter( ( resource ) =>
		belongs( resource, app )
	);
	const degraded = mine.find(
		( resource ) => resource.health?.status === 'Degraded'
	);
	if ( degraded ) {
		return {
			state: 'degraded',
			health: 'Degraded',
			revision: synced,
			resource: label( degraded ),
			message: `${ label( degraded ) }: ${
				degraded.health?.message ?? 'Degraded'
			}`,
		};
	}
	const waiting = mine.find(
		( resource ) => resource.health && resource.health.status !== 'Healthy'
	);
	if (
		! mine.length ||
		waiting ||
		operation?.phase === 'Running' ||
		operation?.phase === 'Terminating'
	) {
		return {
			state: 'syncing',
			health: mine.length ? health( waiting?.health?.status ) : 'Missing',
			revision: synced,
			message: waiting
				? `${ label( waiting ) }: ${
						waiting.health?.message ?? waiting.health?.status
					}`
				: `Argo CD is syncing ${ synced?.slice( 0, 7 ) }.`,
		};
	}
	return {
		state: 'deployed',
		health: 'Healthy',
		revision: synced ?? '',
		...( operation?.finishedAt ? { at: operation.finishedAt } : {} ),
	};
}
