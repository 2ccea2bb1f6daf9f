/**
 * Shapes of the deploy routes of `k8or-orbit/v1` (docs/architecture.md, "Deploy").
 */
import type { WorkloadHealth } from '@k8or-orbit/contract';

export interface EnvVar {
	name: string;
	value: string;
}

export interface ResourceAmounts {
	cpu?: string;
	memory?: string;
}

/** The inputs of a deploy, as the plugin checks them and the bridge renders them. */
export interface DeployInputs {
	replicas: number;
	containerPort?: number;
	resources: { requests: ResourceAmounts; limits: ResourceAmounts };
	env: EnvVar[];
	command?: string[];
	args?: string[];
}

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';

/** A finding that blocks a deploy. */
export interface BlockingFinding {
	id: string;
	pkg: string;
	installedVersion: string;
	fixedVersion?: string;
	severity: Severity | string;
}

/** The policy verdict for one environment, decided by the bridge alone. */
export interface Verdict {
	environment: string;
	allowed: boolean;
	reason:
		'passed' | 'findings' | 'scan-unavailable' | 'scan-missing' | string;
	message?: string;
	blocking?: BlockingFinding[];
	evaluatedAt?: string;
}

export interface DiffLine {
	op: '+' | '-' | ' ';
	text: string;
}

export interface FileDiff {
	file: string;
	status: 'added' | 'changed' | 'unchanged' | 'removed';
	lines: DiffLine[];
}

export interface ImageRef {
	reference: string;
	digest: string;
	configDigest?: string;
}

/** GET /apps/{id}/deployments/preview. */
export interface DeployPreview {
	verdict: Verdict;
	image?: ImageRef;
	files: Record< string, string >;
	diff: FileDiff[];
	currentRevision: number | null;
}

export interface Actor {
	id: number;
	login: string;
}

/** One deploy of a version with its inputs, numbered per app and environment. */
export interface Revision {
	revision: number;
	environment: string;
	version?: string;
	image?: ImageRef;
	inputs?: DeployInputs;
	actor?: Actor;
	createdAt?: string;
	jobId?: string;
	commit?: string;
	status?: string;
	rolledBackFrom?: number;
}

/** GET /apps/{id}/deployments. */
export interface RevisionList {
	items: Revision[];
	/** The inputs to prefill the form with. */
	defaults: DeployInputs;
}

/** GET /apps/{id}/manifests. */
export interface Manifests {
	revision?: number;
	files: Record< string, string >;
}

export type EnvironmentStatus =
	| 'none'
	| 'deploying'
	| 'committed'
	| 'deployed'
	| 'degraded'
	| 'failed'
	| 'deleted'
	| 'restored'
	| 'transferred';

/** An app's state in one environment (post meta k8or_orbit_environments[env]). */
export interface EnvironmentState {
	status: EnvironmentStatus;
	revision?: number;
	deployedAt?: string;
	committedAt?: string;
	updatedAt?: string;
	replicas?: number;
	rolledBack?: boolean;
	rolledBackTo?: number;
	message?: string;
	/** What the cluster (or Argo CD) last said: health, desired and ready replicas, when asked. */
	health?: WorkloadHealth;
	readyReplicas?: number;
	/** The bridge's own "2/3 ready"; screens word it from the counts. */
	ready?: string;
	checkedAt?: string;
	/** The fields below only for users who may read jobs. */
	image?: string;
	commit?: string;
	actor?: Actor;
}

/** What the deploy dialog needs to know about the app. */
export interface DeployTarget {
	id: number;
	name: string;
	version?: string;
	digest?: string;
}
