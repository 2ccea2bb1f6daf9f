import type { ObjectStore } from '../adapters/object-store.js';
import type { ResourceNames } from '../resources.js';
import {
	findStoredImage,
	listStoredVersions,
	type StoredImageMetadata,
} from '../storage/stored-image.js';

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

type Storage = { objects: ObjectStore; names: ResourceNames };

/** The environment asked for first, then the others in their configured order. */
const searchOrder = (
	environment: string,
	environments: readonly string[]
) => [
	environment,
	...environments.filter( ( name ) => name !== environment ),
];

function deploySourceOf(
	environment: string,
	image: StoredImageMetadata
): DeploySource {
	const version =
		image.version ?? versionOf( image.repoTags as string[] | undefined );
	return {
		environment,
		bucket: image.storage.bucket,
		key: image.storage.key,
		archiveDigest: image.archiveDigest ?? image.storage.digest,
		configDigest: image.configDigest,
		exposedPorts: ( image.exposedPorts as string[] | undefined ) ?? [],
		...( version ? { version } : {} ),
	};
}

/**
 * The image an app would be deployed with to an environment: the one stored
 * for that environment, else the one stored in the earliest environment
 * holding the app (an upload stores it in its first environment); the newest
 * version unless one is named.
 */
export async function findDeploySource(
	storage: Storage,
	app: string,
	environment: string,
	environments: readonly string[],
	requestedVersion?: string
): Promise< DeploySource | undefined > {
	for ( const candidate of searchOrder( environment, environments ) ) {
		const image = await findStoredImage(
			storage,
			app,
			candidate,
			requestedVersion
		);
		if ( image ) {
			return deploySourceOf( candidate, image );
		}
	}
	return undefined;
}

/**
 * The stored image an earlier revision ran, found by its config digest (a
 * rollback pushes those very bytes again): its version's archive first, else
 * any stored version with that digest; undefined once no archive of it is kept.
 */
export async function findRevisionSource(
	storage: Storage,
	app: string,
	environment: string,
	environments: readonly string[],
	image: { configDigest: string; version?: string }
): Promise< DeploySource | undefined > {
	const same = ( source?: DeploySource ) =>
		source?.configDigest === image.configDigest ? source : undefined;
	const labelled =
		image.version === undefined
			? undefined
			: same(
					await findDeploySource(
						storage,
						app,
						environment,
						environments,
						image.version
					)
				);
	if ( labelled ) {
		return labelled;
	}
	for ( const candidate of searchOrder( environment, environments ) ) {
		const match = (
			await listStoredVersions( storage, app, candidate )
		).find( ( stored ) => stored.configDigest === image.configDigest );
		if ( match ) {
			return deploySourceOf( candidate, match );
		}
	}
	// Images stored before apps had versions are only the app's current image.
	return same(
		await findDeploySource( storage, app, environment, environments )
	);
}
