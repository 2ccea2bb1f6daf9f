import type { FastifyPluginAsync } from 'fastify';
import type { ObjectStore } from '../../adapters/object-store.js';
import type { BridgeConfig } from '../../config.js';
import type { ResourceNames } from '../../resources.js';
import {
	findStoredImage,
	listStoredVersions,
} from '../../storage/stored-image.js';
import { HttpError } from '../errors.js';
import { appName, environmentName, versionLabel } from '../schemas.js';

export interface VersionRouteOptions {
	config: BridgeConfig;
	names: ResourceNames;
	objects: ObjectStore;
}

/** The stored versions of an app in an environment: each one's archive, facts and latest scan. */
export const versionRoutes: FastifyPluginAsync< VersionRouteOptions > = async (
	app,
	{ config, names, objects }
) => {
	const environment = environmentName( config.environments );
	const storage = { objects, names };

	app.get< {
		Params: { appName: string };
		Querystring: { environment?: string };
	} >( '/v1/apps/:appName/versions', async ( request ) => {
		const name = appName.parse( request.params.appName );
		const env = environment.parse(
			request.query.environment ?? config.environments[ 0 ]
		);
		return { items: await listStoredVersions( storage, name, env ) };
	} );

	app.get< {
		Params: { appName: string; version: string };
		Querystring: { environment?: string };
	} >( '/v1/apps/:appName/versions/:version', async ( request ) => {
		const name = appName.parse( request.params.appName );
		const version = versionLabel.parse( request.params.version );
		const env = environment.parse(
			request.query.environment ?? config.environments[ 0 ]
		);
		const image = await findStoredImage( storage, name, env, version );
		if ( ! image ) {
			throw new HttpError(
				404,
				'orbit_version_not_found',
				`${ name } has no version ${ version } in ${ env }; pick one the versions list shows.`
			);
		}
		return image;
	} );
};
