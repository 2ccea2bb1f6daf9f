import { CONTRACT } from '@k8or-orbit/contract';
import type { Revision } from '../adapters/dynamo-revisions.js';
import {
	argoCdNotification,
	notifiedApplication,
} from '../cluster/argocd-notification.js';
import { syncVerdict } from '../cluster/argocd-status.js';
import type { JobRecord } from '../job-model/job.js';
import {
	CLUSTER_STATUS_JOB,
	type ClusterStatusJobInput,
} from '../job-model/kinds.js';
import {
	syncOutcome,
	withReplicas,
	type ClusterOutcome,
} from './cluster-rollout.js';
import type { JobServices } from '../job-model/services.js';
import {
	contractSteps,
	type JobDefinition,
	type StepContext,
} from './definition.js';
import { PermanentJobError } from './errors.js';

const input = ( job: JobRecord ) =>
	job.input as unknown as ClusterStatusJobInput;

const STEP = contractSteps( CLUSTER_STATUS_JOB );
// Event names as the contract gives them, step by step.
const [ NOTIFICATION_RECEIVED, STATUS_READ ] = STEP.observe.events;
const [ STATUS_UPDATED ] = STEP.publish.events;
const [ COMPLETED ] = STEP.finish.events;

/**
 * Brings what runs back to the app's environment state: a Refresh by an
 * operator reads the cluster (or Argo CD); a notification from Argo CD
 * Notifications says what changed without Orbit (a manual sync, a
 * self-heal, a pod crash-looping an hour later).
 */
export const clusterStatusJob: JobDefinition = {
	kind: CLUSTER_STATUS_JOB,
	failureEvent: CONTRACT.jobs[ CLUSTER_STATUS_JOB ].failureEvent,
	steps: [
		{
			name: STEP.observe.name,
			emits: STEP.observe.events,
			checkpoints: 'the live state',
			run: observe,
		},
		{
			name: STEP.publish.name,
			emits: STEP.publish.events,
			checkpoints: null,
			run: publish,
		},
		{
			name: STEP.finish.name,
			emits: STEP.finish.events,
			checkpoints: null,
			run: finish,
		},
	],
};

async function observe(
	context: StepContext,
	services: JobServices
): Promise< ClusterOutcome > {
	const { job } = context;
	const request = input( job );
	const app = { namespace: request.namespace, name: job.appName };
	if ( request.source === 'notification' ) {
		const notification = argoCdNotification.parse( request.notification );
		const verdict = syncVerdict( notifiedApplication( notification ), app );
		const outcome = syncOutcome(
			verdict,
			currentStatus( request ) ?? 'committed'
		);
		await context.emit(
			NOTIFICATION_RECEIVED,
			'succeeded',
			{
				trigger: notification.trigger,
				application: notification.application,
				revision: notification.revision,
				sync: notification.sync,
				health: notification.health,
				verdict,
			},
			outcome.message
		);
		return outcome;
	}
	const { cluster, argocd } = services;
	const environment = job.environment;
	let outcome: ClusterOutcome | undefined;
	if ( request.mode === 'gitops' && argocd.has( environment ) ) {
		outcome = syncOutcome(
			await argocd.read( environment, app ),
			currentStatus( request ) ?? 'committed'
		);
	}
	if ( cluster.has( environment ) ) {
		const live = await cluster.readWorkload( { environment, ...app } );
		const fromCluster: ClusterOutcome = {
			status:
				live.health === 'Healthy'
					? 'deployed'
					: ( currentStatus( request ) ?? 'committed' ),
			health: live.health,
			...( live.message ? { message: live.message } : {} ),
		};
		outcome = withReplicas( outcome ?? fromCluster, live.replicas );
	}
	if ( ! outcome ) {
		throw new PermanentJobError(
			'orbit_no_cluster',
			`No ${
				request.mode === 'gitops' ? 'Argo CD' : 'Kubernetes context'
			} is configured for ${ environment }; there is nothing to read.`
		);
	}
	await context.emit( STATUS_READ, 'succeeded', { ...outcome } );
	return outcome;
}

function currentStatus( request: ClusterStatusJobInput ) {
	const status = request.state?.status;
	return typeof status === 'string'
		? ( status as ClusterOutcome[ 'status' ] )
		: undefined;
}

async function publish( context: StepContext, { revisions }: JobServices ) {
	const { job } = context;
	const outcome = context.output< ClusterOutcome >( STEP.observe.name );
	// The earlier message described the earlier state; only the new one stands.
	const { message: _earlier, ...state } =
		input( job ).state ??
		committedState(
			await revisions.current( job.appName, job.environment )
		);
	await context.emit( STATUS_UPDATED, 'succeeded', {
		environments: {
			[ job.environment ]: {
				...state,
				...outcome,
				checkedAt: new Date().toISOString(),
			},
		},
	} );
	return null;
}

async function finish( context: StepContext ) {
	const outcome = context.output< ClusterOutcome >( STEP.observe.name );
	await context.emit( COMPLETED, 'succeeded', { status: outcome.status } );
	return null;
}

/**
 * What WordPress holds for the environment, from the revision it last
 * committed (a notification carries no state of its own).
 */
function committedState( revision: Revision | undefined ) {
	if ( ! revision ) {
		throw new PermanentJobError(
			'orbit_not_deployed',
			'The app has no committed deploy in this environment; there is no state to update.'
		);
	}
	return {
		revision: revision.revision,
		...( revision.image ? { image: revision.image.reference } : {} ),
		...( revision.commit ? { commit: revision.commit } : {} ),
		actor: revision.actor,
		...( revision.rolledBackFrom
			? { rolledBackTo: revision.rolledBackFrom }
			: {} ),
	} as Record< string, unknown >;
}
