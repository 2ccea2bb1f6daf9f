import type { DeployMode, Policies, Policy } from '@k8or-orbit/contract';
import type { DeployInputs } from '../deploy/inputs.js';
import type { DeploySource } from '../deploy/source.js';

/**
 * The job kinds and their inputs: what a route submits and the job reads.
 */

export const UPLOAD_JOB = 'upload';
export const SCAN_JOB = 'scan';
export const DEPLOY_JOB = 'deploy';

/** The app as the upload form describes it. */
export interface AppDescription {
	name: string;
	title: string;
	description: string;
	category: string;
	environment: string;
	deployInputs: Record< string, unknown >;
}

export interface UploadJobInput {
	uploadId: string;
	s3UploadId: string;
	bucket: string;
	key: string;
	filename: string;
	size: number;
	parts: { partNumber: number; etag: string }[];
	/** The version this upload adds to the app; unique per app. */
	version: string;
	app: AppDescription;
	/** Each environment's policy, for the verdicts the scan step decides. */
	policies: Policies;
}

export interface DeployJobInput {
	revision: number;
	inputs: DeployInputs;
	policy: Policy;
	version?: string;
	rollbackOf?: number;
	source: DeploySource;
	/** How the commit reaches the cluster; older jobs without one are `gitops`. */
	mode?: DeployMode;
	/** How the environment's Argo CD Application syncs (gitops). */
	syncPolicy?: 'automated' | 'manual';
}

export interface ScanJobInput {
	/** The version to scan; the newest when absent. */
	version?: string;
	/** Each environment's policy, to decide the verdicts of the new scan. */
	policies?: Policies;
}

export const CLUSTER_STATUS_JOB = 'cluster-status';

/** A look at what runs: asked for by an operator, or told by Argo CD Notifications. */
export interface ClusterStatusJobInput {
	source: 'refresh' | 'notification';
	mode: DeployMode;
	/** The environment's namespace, where the app's objects are. */
	namespace: string;
	/** The Argo CD Notifications body (source `notification`). */
	notification?: Record< string, unknown >;
	/** The environment's state as WordPress holds it; the live facts are laid over it. */
	state?: Record< string, unknown >;
}
