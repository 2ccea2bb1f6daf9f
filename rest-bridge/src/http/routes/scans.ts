import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ObjectStore } from '../../adapters/object-store.js';
import type { BridgeConfig } from '../../config.js';
import type { JobQueue } from '../../job-model/job.js';
import { SCAN_JOB } from '../../job-model/kinds.js';
import type { ResourceNames } from '../../resources.js';
import { reportKeys } from '../../storage/keys.js';
import { findStoredImage } from '../../storage/stored-image.js';
import { HttpError } from '../errors.js';
import { jobIdFor } from '../idempotency.js';
import {
	actor,
	appName,
	environmentName,
	policies,
	versionLabel,
} from '../schemas.js';

export interface ScanRouteOptions {
	config: BridgeConfig;
	names: ResourceNames;
	objects: ObjectStore;
	jobs: JobQueue;
}

/** Scans of an app's stored image: request one (a scan job), read the latest. */
export const scanRoutes: FastifyPluginAsync< ScanRouteOptions > = async (
	app,
	{ config, names, objects, jobs }
) => {
	const environment = environmentName( config.environments );
	const requestBody = z.object( {
		actor,
		environment,
		policies,
		version: versionLabel.optional(),
	} );

	app.post< { Params: { appName: string } } >(
		'/v1/apps/:appName/scan',
		async ( request, reply ) => {
			const name = appName.parse( request.params.appName );
			const body = requestBody.parse( request.body );
			if (
				! ( await findStoredImage(
					{ objects, names },
					name,
					body.environment,
					body.version
				) )
			) {
				throw new HttpError(
					404,
					'orbit_image_not_found',
					body.version === undefined
						? `${ name } has no stored image in ${ body.environment }; upload one first.`
						: `${ name } has no version ${ body.version } in ${ body.environment }; pick one the versions list shows.`
				);
			}
			const jobId = jobIdFor(
				SCAN_JOB,
				name,
				body.environment,
				request.headers[ 'idempotency-key' ]
			);
			await jobs.submit( {
				jobId,
				kind: SCAN_JOB,
				appName: name,
				environment: body.environment,
				actor: body.actor,
				input: { version: body.version, policies: body.policies },
			} );
			return reply.code( 202 ).send( { jobId } );
		}
	);

	app.get< {
		Params: { appName: string };
		Querystring: { environment?: string; version?: string };
	} >( '/v1/apps/:appName/scan', async ( request ) => {
		const name = appName.parse( request.params.appName );
		const env = environment.parse(
			request.query.environment ?? config.environments[ 0 ]
		);
		const version = versionLabel.optional().parse( request.query.version );
		const text = await objects.getObjectText(
			names.buckets.reports,
			version === undefined
				? reportKeys.latest( name, env )
				: reportKeys.versionLatest( name, env, version )
		);
		if ( ! text ) {
			throw new HttpError(
				404,
				'orbit_scan_not_found',
				version === undefined
					? `${ name } has no scan in ${ env } yet.`
					: `${ name } has no scan of version ${ version } in ${ env } yet.`
			);
		}
		const { findings = [], ...summary } = JSON.parse( text ) as {
			findings?: unknown[];
		};
		return { summary, findings };
	} );
};
