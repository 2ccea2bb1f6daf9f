import { CONTRACT } from '@k8or-orbit/contract';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';

import type { BridgeConfig } from '../../config.js';
import type { JobQueue } from '../../job-model/job.js';
import {
	CLUSTER_STATUS_JOB,
	type ClusterStatusJobInput,
} from '../../job-model/kinds.js';
import { jobIdFor } from '../idempotency.js';
import { actor, appName, environmentName } from '../schemas.js';

export interface ClusterStatusRouteOptions {
	config: BridgeConfig;
	jobs: JobQueue;
}

/** The state WordPress holds for the environment; bounded, passed through. */
const environmentState = z
	.record( z.string().max( 64 ), z.unknown() )
	.refine( ( state ) => JSON.stringify( state ).length <= 16 * 1024, {
		error: 'at most 16 KiB',
	} );

/** Refresh: an operator asks what runs now (a cluster-status job). */
export const clusterStatusRoutes: FastifyPluginAsync<
	ClusterStatusRouteOptions
> = async ( app, { config, jobs } ) => {
	const body = z.object( {
		actor,
		environment: environmentName( config.environments ),
		mode: z.enum( CONTRACT.schemas.$defs.DeployMode.enum ),
		namespace: appName,
		state: environmentState.optional(),
	} );

	app.post< { Params: { appName: string } } >(
		'/v1/apps/:appName/status',
		async ( request, reply ) => {
			const name = appName.parse( request.params.appName );
			const refresh = body.parse( request.body );
			const jobId = jobIdFor(
				CLUSTER_STATUS_JOB,
				name,
				refresh.environment,
				request.headers[ 'idempotency-key' ]
			);
			const input: ClusterStatusJobInput = {
				source: 'refresh',
				mode: refresh.mode,
				namespace: refresh.namespace,
				...( refresh.state ? { state: refresh.state } : {} ),
			};
			await jobs.submit( {
				jobId,
				kind: CLUSTER_STATUS_JOB,
				appName: name,
				environment: refresh.environment,
				actor: refresh.actor,
				input: { ...input },
			} );
			return reply.code( 202 ).send( { jobId } );
		}
	);
};
