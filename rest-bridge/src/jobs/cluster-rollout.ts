import type { DeployMode } from '@k8or-orbit/contract';
import {
	FieldManagerConflictError,
	type ClusterObject,
} from '../adapters/cluster-client.js';
import type { SyncVerdict } from '../cluster/argocd-status.js';
import {
	readyLine,
	type ReplicaCounts,
	type WorkloadHealth,
} from '../cluster/rollout.js';
import { DEPLOY_JOB } from '../job-model/kinds.js';
import type { JobServices } from '../job-model/services.js';
import { contractSteps, type StepContext } from './definition.js';

// The cluster step's event names, as the contract gives them for the deploy job.
const [
	SYNC_STARTED,
	SYNC_COMPLETED,
	MANIFESTS_APPLIED,
	ROLLOUT_STARTED,
	DEPLOYED,
] = contractSteps( DEPLOY_JOB ).cluster.events;

/** What the cluster said about a deploy, for the environment's state. */
export interface ClusterOutcome {
	status: 'committed' | 'deployed' | 'degraded' | 'failed';
	health?: WorkloadHealth;
	/** The desired count. */
	replicas?: number;
	readyReplicas?: number;
	/** "2/3 ready" */
	ready?: string;
	deployedAt?: string;
	message?: string;
}

export interface ClusterDelivery {
	mode: DeployMode;
	namespace: string;
	/** The GitOps commit of the deploy. */
	commit: string;
	/** The rendered objects, namespace first (direct mode). */
	objects: ClusterObject[];
}

/** Keeps the job claimed while a sync or rollout runs for minutes. */
const HEARTBEAT_MS = 10_000;

/** The outcome with the replica counts a person reads ("2/3 ready"). */
export function withReplicas(
	outcome: ClusterOutcome,
	replicas?: ReplicaCounts
): ClusterOutcome {
	return replicas
		? {
				...outcome,
				replicas: replicas.desired,
				readyReplicas: replicas.ready,
				ready: readyLine( replicas ),
			}
		: outcome;
}

/**
 * After the commit: asks Argo CD to sync it (gitops) or applies the objects
 * and follows the rollout (direct), and says how it ended. An environment
 * without the configured connection stays `committed`. What the cluster
 * refuses or reports broken is an outcome, not an error; errors (an API
 * that cannot be reached) are retried by the engine, and running again is
 * safe: the apply is idempotent and the follow starts over.
 */
export async function deliverToCluster(
	context: StepContext,
	services: Pick< JobServices, 'cluster' | 'argocd' | 'config' >,
	delivery: ClusterDelivery
): Promise< ClusterOutcome > {
	let beat: NodeJS.Timeout | undefined;
	try {
		beat = setInterval( () => context.heartbeat(), HEARTBEAT_MS );
		return delivery.mode === 'gitops'
			? await viaArgoCd( context, services, delivery )
			: await direct( context, services, delivery );
	} finally {
		clearInterval( beat );
	}
}

async function viaArgoCd(
	context: StepContext,
	{ argocd, cluster }: Pick< JobServices, 'cluster' | 'argocd' >,
	delivery: ClusterDelivery
): Promise< ClusterOutcome > {
	const { job } = context;
	if ( ! argocd.has( job.environment ) ) {
		return {
			status: 'committed',
			message: `Committed ${ delivery.commit.slice(
				0,
				12
			) }; no Argo CD is configured for ${
				job.environment
			}, so Orbit cannot tell when it runs.`,
		};
	}
	const application = argocd.applicationOf( job.environment );
	await context.emit( SYNC_STARTED, 'started', {
		application,
		commit: delivery.commit,
	} );
	const app = { namespace: delivery.namespace, name: job.appName };
	const verdict: SyncVerdict = await argocd.syncAndFollow( {
		environment: job.environment,
		app,
		revision: delivery.commit,
	} );
	await context.emit(
		SYNC_COMPLETED,
		verdict.state === 'deployed' ? 'succeeded' : 'failed',
		{ application, commit: delivery.commit, verdict },
		verdict.state === 'deployed' ? undefined : verdict.message
	);
	const replicas = cluster.has( job.environment )
		? (
				await cluster.readWorkload( {
					environment: job.environment,
					...app,
				} )
			).replicas
		: undefined;
	return withReplicas( syncOutcome( verdict, 'failed' ), replicas );
}

/**
 * An environment's state from what Argo CD says; `whileSyncing` is the
 * status while it has not settled (a deploy that waited to its deadline
 * fails; a notification mid-sync leaves the status as it was).
 */
export function syncOutcome(
	verdict: SyncVerdict,
	whileSyncing: ClusterOutcome[ 'status' ]
): ClusterOutcome {
	switch ( verdict.state ) {
		case 'deployed':
			return {
				status: 'deployed',
				health: 'Healthy',
				deployedAt: verdict.at ?? new Date().toISOString(),
			};
		case 'syncing':
			return {
				status: whileSyncing,
				health: verdict.health,
				message: verdict.message,
			};
		default:
			return {
				status: verdict.state,
				health: verdict.health,
				message: verdict.message,
			};
	}
}

async function direct(
	context: StepContext,
	{ cluster, config }: Pick< JobServices, 'cluster' | 'config' >,
	delivery: ClusterDelivery
): Promise< ClusterOutcome > {
	const { job } = context;
	if ( ! cluster.has( job.environment ) ) {
		return {
			status: 'committed',
			message: `Committed ${ delivery.commit.slice(
				0,
				12
			) }; no Kubernetes context is configured for ${
				job.environment
			}, so nothing was applied.`,
		};
	}
	try {
		await cluster.apply( job.environment, delivery.objects );
	} catch ( error ) {
		if ( error instanceof FieldManagerConflictError ) {
			return {
				status: 'failed',
				health: 'Degraded',
				message: error.message,
			};
		}
		throw error;
	}
	await context.emit( MANIFESTS_APPLIED, 'succeeded', {
		fieldManager: 'k8or-orbit',
		objects: delivery.objects.map(
			( object ) => `${ object.kind }/${ object.metadata.name }`
		),
	} );
	await context.emit( ROLLOUT_STARTED, 'started', {
		deployment: `${ delivery.namespace }/${ job.appName }`,
	} );
	const verdict = await cluster.followRollout(
		{
			environment: job.environment,
			namespace: delivery.namespace,
			name: job.appName,
		},
		{ deadlineMs: config.clusters.rolloutDeadlineMs }
	);
	if ( verdict.state !== 'done' ) {
		return withReplicas(
			{ status: 'failed', health: 'Degraded', message: verdict.message },
			verdict.replicas
		);
	}
	const deployedAt = new Date().toISOString();
	await context.emit( DEPLOYED, 'succeeded', {
		replicas: verdict.replicas,
		ready: readyLine( verdict.replicas ),
		deployedAt,
	} );
	return withReplicas(
		{ status: 'deployed', health: 'Healthy', deployedAt },
		verdict.replicas
	);
}
