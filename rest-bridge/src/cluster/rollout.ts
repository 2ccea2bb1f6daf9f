/**
 * What a Deployment and its pods say about a rollout, decided in one place
 * for the direct mode's watch, the Refresh action and the status job.
 */

import type { WorkloadHealth } from '@k8or-orbit/contract';

/** Health words shared with Argo CD and shown on every screen (the contract's). */
export type { WorkloadHealth };

export interface ReplicaCounts {
	desired: number;
	updated: number;
	ready: number;
	available: number;
}

export type RolloutVerdict =
	| { state: 'done'; replicas: ReplicaCounts }
	| { state: 'progressing'; replicas: ReplicaCounts; message: string }
	| {
			state: 'failed';
			replicas: ReplicaCounts;
			reason: string;
			message: string;
			pod?: string;
			container?: string;
	  };

/** The reasons a waiting container will not get better by itself. */
export const STUCK_CONTAINER_REASONS = [
	'ImagePullBackOff',
	'ErrImagePull',
	'CrashLoopBackOff',
] as const;

interface Condition {
	type?: string;
	status?: string;
	reason?: string;
	message?: string;
}

/** The fields of a Deployment the verdict reads (as client-node types them, loosely). */
export interface DeploymentView {
	metadata?: { name?: string; generation?: number };
	spec?: { replicas?: number };
	status?: {
		observedGeneration?: number;
		updatedReplicas?: number;
		readyReplicas?: number;
		availableReplicas?: number;
		conditions?: Condition[];
	};
}

export interface PodView {
	metadata?: { name?: string };
	status?: {
		containerStatuses?: {
			name: string;
			state?: { waiting?: { reason?: string; message?: string } };
		}[];
	};
}

export function replicaCounts( deployment: DeploymentView ): ReplicaCounts {
	const status = deployment.status ?? {};
	return {
		desired: deployment.spec?.replicas ?? 1,
		updated: status.updatedReplicas ?? 0,
		ready: status.readyReplicas ?? 0,
		available: status.availableReplicas ?? 0,
	};
}

/** "2/3 ready" */
export function readyLine( replicas: ReplicaCounts ) {
	return `${ replicas.ready }/${ replicas.desired } ready`;
}

/**
 * Done when the controller has seen the current generation and updated,
 * ready and available replicas all equal the desired count; failed on
 * ProgressDeadlineExceeded or a pod stuck pulling its image or crash-looping.
 */
export function rolloutVerdict(
	deployment: DeploymentView,
	pods: PodView[]
): RolloutVerdict {
	const replicas = replicaCounts( deployment );
	const name = deployment.metadata?.name ?? 'the deployment';
	for ( const pod of pods ) {
		for ( const container of pod.status?.containerStatuses ?? [] ) {
			const waiting = container.state?.waiting;
			if (
				waiting?.reason &&
				( STUCK_CONTAINER_REASONS as readonly string[] ).includes(
					waiting.reason
				)
			) {
				return {
					state: 'failed',
					replicas,
					reason: waiting.reason,
					pod: pod.metadata?.name,
					container: container.name,
					message: `Pod ${ pod.metadata?.name } container ${
						container.name
					}: ${ waiting.reason }${
						waiting.message ? ` (${ waiting.message })` : ''
					}`,
				};
			}
		}
	}
	const progressing = deployment.status?.conditions?.find(
		( condition ) => condition.type === 'Progressing'
	);
	if ( progressing?.reason === 'ProgressDeadlineExceeded' ) {
		return {
			state: 'failed',
			replicas,
			reason: 'ProgressDeadlineExceeded',
			message: `Deployment ${ name }: ${
				progressing.message ?? 'progress deadline exceeded'
			}`,
		};
	}
	const observed =
		( deployment.status?.observedGeneration ?? 0 ) >=
		( deployment.metadata?.generation ?? 0 );
	if (
		observed &&
		replicas.updated === replicas.desired &&
		replicas.ready === replicas.desired &&
		replicas.available === replicas.desired
	) {
		return { state: 'done', replicas };
	}
	return {
		state: 'progressing',
		replicas,
		message: observed
			? `Waiting for rollout to finish: ${ readyLine( replicas ) }`
			: 'Waiting for the deployment controller to see the new generation',
	};
}

/** The health word for a verdict; Missing is for a workload that is not there. */
export function healthOf( verdict: RolloutVerdict ): WorkloadHealth {
	if ( verdict.state === 'done' ) {
		return 'Healthy';
	}
	return verdict.state === 'failed' ? 'Degraded' : 'Progressing';
}
