import type { FastifyInstance } from 'fastify';
import {
	deadLetterRoutes,
	type DeadLetterRouteOptions,
} from './dead-letters.js';
import {
	clusterStatusRoutes,
	type ClusterStatusRouteOptions,
} from './cluster-status.js';
import {
	deploymentRoutes,
	type DeploymentRouteOptions,
} from './deployments.js';
import { jobRoutes, type JobRouteOptions } from './jobs.js';
import { revisionRoutes, type RevisionRouteOptions } from './revisions.js';
import { scanRoutes, type ScanRouteOptions } from './scans.js';
import { uploadRoutes, type UploadRouteOptions } from './uploads.js';
import { versionRoutes, type VersionRouteOptions } from './versions.js';

export const BRIDGE_VERSION = '0.1.0';

export type RouteOptions = UploadRouteOptions &
	ScanRouteOptions &
	VersionRouteOptions &
	JobRouteOptions &
	DeploymentRouteOptions &
	RevisionRouteOptions &
	DeadLetterRouteOptions &
	ClusterStatusRouteOptions;

/** The signed API: one plugin per resource. */
export async function registerRoutes(
	app: FastifyInstance,
	options: RouteOptions
) {
	app.get( '/v1/ping', async () => ( {
		ok: true,
		version: BRIDGE_VERSION,
		time: new Date().toISOString(),
	} ) );
	await app.register( uploadRoutes, options );
	await app.register( scanRoutes, options );
	await app.register( versionRoutes, options );
	await app.register( jobRoutes, options );
	await app.register( deploymentRoutes, options );
	await app.register( revisionRoutes, options );
	await app.register( deadLetterRoutes, options );
	await app.register( clusterStatusRoutes, options );
}
