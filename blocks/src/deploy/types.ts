import type { AppBlockAttributes } from '../shared/types';

/**
 * Attributes of k8or-orbit/deploy (see block.json).
 */
export type DeployAttributes = AppBlockAttributes;

/**
 * What render.php hands the view script on the block's wrapper (data-orbit-deploy).
 */
export interface DeployBlockData {
	app: { id: number; name: string; version?: string; digest?: string };
	/** Environments the current user may deploy to, in promotion order. */
	environments: string[];
	/** The console's event log of a job, with "%s" for the job id. */
	jobUrl: string;
}
