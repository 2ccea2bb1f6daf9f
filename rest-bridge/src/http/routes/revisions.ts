import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';

import type { BridgeConfig } from '../../config.js';
import type { JobServices } from '../../job-model/services.js';
import { HttpError } from '../errors.js';
import { appName, environmentName } from '../schemas.js';

export interface RevisionRouteOptions {
	config: BridgeConfig;
	services: JobServices;
}

/** An app's revisions in an environment, newest first, and the manifests of one. */
export const revisionRoutes: FastifyPluginAsync<
	RevisionRouteOptions
> = async ( app, { config, services: { revisions } } ) => {
	const environment = environmentName( config.environments );

	app.get< {
		Params: { appName: string };
		Querystring: { environment?: string };
	} >( '/v1/apps/:appName/deployments', async ( request ) => {
		const name = appName.parse( request.params.appName );
		const target = environment.parse( request.query.environment );
		const items = await revisions.list( name, target );
		return {
			items: items.map(
				( { manifests: _files, app: _app, ...rest } ) => rest
			),
		};
	} );

	app.get< {
		Params: { appName: string };
		Querystring: { environment?: string; revision?: string };
	} >( '/v1/apps/:appName/manifests', async ( request ) => {
		const name = appName.parse( request.params.appName );
		const query = z
			.object( {
				environment,
				revision: z.coerce.number().int().min( 1 ).optional(),
			} )
			.parse( request.query );
		const found =
			query.revision === undefined
				? await revisions.current( name, query.environment )
				: await revisions.get(
						name,
						query.environment,
						query.revision
					);
		if ( ! found?.manifests ) {
			throw new HttpError(
				404,
				'orbit_revision_not_found',
				query.revision === undefined
					? `${ name } is not deployed to ${ query.environment }.`
					: `${ name } has no revision ${ query.revision } with manifests in ${ query.environment }.`
			);
		}
		return { revision: found.revision, files: found.manifests };
	} );
};
