import type { ObjectStore } from '../adapters/s3.js';
import { appKeys } from '../storage/keys.js';
import type { ResourceNames } from '../resources.js';

/** The stored image a deploy pushes: where its archive is and what upload learnt of it. */
export interface DeploySource {
	/** The environment whose bucket holds the archive. */
	environment: string;
	bucket: string;
	key: string;
	archiveDigest: string;
	configDigest: string;
	exposedPorts: string[];
	/** The version the image was uploaded as (its first repo tag's tag). */
	version?: string;
}

interface ImageMetadata {
	configDigest: string;
	archiveDigest: string;
	exposedPorts?: string[];
	repoTags?: string[];
	storage: { bucket: string; key: string; digest: string };
}

function versionOf( repoTags: string[] = [] ): string | undefined {
	const tag = repoTags[ 0 ]?.split( '/' ).pop()?.split( ':' )[ 1 ];
	return tag || undefined;
}

/**
 * The image an app would be deployed with to an environment: the one stored
 * for that environment, else the one stored in the earliest environment
 * holding the app (an upload stores it in its first environment).
 */
export async function findDeploySource(
	storage: { objects: ObjectStore; names: ResourceNames },
	app: string,
	environment: string,
	environments: readonly string[]
): Promise< DeploySource | undefined > {
	for ( const candidate of [
		environment,
		...environments.filter( ( name ) => name !== environment ),
	] ) {
		const text = await storage.objects.getObjectText(
			storage.names.buckets.environment( candidate ),
			appKeys.image( app )
		);
		if ( ! text ) {
			continue;
		}
		const image = JSON.parse( text ) as ImageMetadata;
		const version = versionOf( image.repoTags );
		return {
			environment: candidate,
			bucket: image.storage.bucket,
			key: image.storage.key,
			archiveDigest: image.archiveDigest,
			configDigest: image.configDigest,
			exposedPorts: image.exposedPorts ?? [],
			...( version ? { version } : {} ),
		};
	}
	return undefined;
}
