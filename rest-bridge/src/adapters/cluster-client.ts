import type { KubernetesObject } from '@kubernetes/client-node';

import type {
	ReplicaCounts,
	RolloutVerdict,
	WorkloadHealth,
} from '../cluster/rollout.js';

/** Orbit's name in managedFields: the fields it applies are owned by this manager. */
export const FIELD_MANAGER = 'k8or-orbit';

/** An object to apply: any Kubernetes kind, with its name and (if namespaced) namespace. */
export type ClusterObject = KubernetesObject & {
	apiVersion: string;
	kind: string;
	metadata: { name: string; namespace?: string };
};

export interface WorkloadRef {
	environment: string;
	namespace: string;
	/** The Deployment's name (the app name). */
	name: string;
}

export interface WorkloadState {
	health: WorkloadHealth;
	replicas: ReplicaCounts;
	message?: string;
}

/** A field another manager owns; Orbit never takes it over silently. */
export class FieldManagerConflictError extends Error {
	readonly managers: string[];
	readonly fields: string[];

	constructor(
		object: string,
		managers: string[],
		fields: string[],
		detail: string
	) {
		super(
			`${ object }: fields owned by ${ managers
				.map( ( manager ) => `"${ manager }"` )
				.join( ', ' ) } (${ fields.join( ', ' ) }). ${ detail }`
		);
		this.name = 'FieldManagerConflictError';
		this.managers = managers;
		this.fields = fields;
	}
}

export interface RolloutOptions {
	/** Gives up (the verdict so far is returned as failed) after this long. */
	deadlineMs: number;
	/** Told each new count while the rollout moves. */
	onProgress?: ( replicas: ReplicaCounts ) => void;
	/** How often pods are looked at between Deployment events. */
	podCheckMs?: number;
	signal?: AbortSignal;
}

/** The cluster work of the direct mode, per environment. */
export interface ClusterClient {
	/** Whether `environment` has a cluster context configured. */
	has: ( environment: string ) => boolean;
	/** Server-side applies `objects` in order (namespace first) as `k8or-orbit`. */
	apply: ( environment: string, objects: ClusterObject[] ) => Promise< void >;
	/** Follows the Deployment until the rollout is done or failed. */
	followRollout: (
		workload: WorkloadRef,
		options: RolloutOptions
	) => Promise< RolloutVerdict >;
	/** The workload's live state, for Refresh and the status job. */
	readWorkload: ( workload: WorkloadRef ) => Promise< WorkloadState >;
	/** Deletes `objects` with foreground propagation and waits until they are gone. */
	remove: (
		environment: string,
		objects: ClusterObject[],
		options: { deadlineMs: number }
	) => Promise< void >;
}
