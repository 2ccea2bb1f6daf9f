import type { ObjectStore } from '../adapters/s3.js';
import type { ResourceNames } from '../resources.js';
import { findStoredImage } from '../storage/stored-image.js';

/** The stored image a deploy pushes: where its archive is and what upload learnt of it. */
export interface DeploySource {
	/** The environment whose bucket holds the archive. */
	environment: string;
	bucket: string;
	key: string;
	archiveDigest: string;
	configDigest: string;
	exposedPorts: string[];
	/** The version the image was uploaded as (its label; for images stored before versions, its first repo tag's tag). */
	version?: string;
}

function versionOf( repoTags: string[] = [] ): string | undefined {
	const tag = repoTags[ 0 ]?.split( '/' ).pop()?.split( ':' )[ 1 ];
	return tag || undefined;
}

/**
 * The image an app would be deployed with to an environment: the one stored
 * for that environment, else the one stored in the earliest environment
 * holding the app (an upload stores it in its first environment); the newest
 * version unless one is named.
 */
export async function findDeploySource(
	storage: { objects: ObjectStore; names: ResourceNames },
	app: string,
	environment: string,
	environments: readonly string[],
	requestedVersion?: string
): Promise< DeploySource | undefined > {
	for ( const candidate of [
		environment,
		...environments.filter( ( name ) => name !== environment ),
	] ) {
		const image = await findStoredImage(
			storage,
			app,
			candidate,
			requestedVersion
		);
		if ( ! image ) {
			continue;
		}
		const version =
			image.version ??
			versionOf( image.repoTags as string[] | undefined );
		return {
			environment: candidate,
			bucket: image.storage.bucket,
			key: image.storage.key,
			archiveDigest: image.archiveDigest ?? image.storage.digest,
			configDigest: image.configDigest,
			exposedPorts: ( image.exposedPorts as string[] | undefined ) ?? [],
			...( version ? { version } : {} ),
		};
	}
	return undefined;
}
