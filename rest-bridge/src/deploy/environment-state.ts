import type { Actor } from '../events/event.js';
import type { ClusterOutcome } from '../jobs/cluster-rollout.js';

/** The image a deploy pushed, by digest. */
export interface PushedImageRef {
	reference: string;
	digest: string;
	configDigest: string;
}

/** An app's state in one environment, as WordPress keeps it (post meta k8or_orbit_environments). */
export interface EnvironmentState extends Omit<
	ClusterOutcome,
	'status' | 'message'
> {
	status: ClusterOutcome[ 'status' ];
	revision: number;
	image: string;
	commit: string;
	actor: Actor;
	committedAt: string;
	updatedAt: string;
	rolledBackTo?: number;
	message?: string;
}

/** The state while the deploy runs; `jobId` lets WordPress undo it when this job fails. */
export interface DeployingState {
	status: 'deploying';
	revision: number;
	jobId: string;
	actor: Actor;
	message: string;
}
