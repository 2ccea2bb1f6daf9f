import type { ObjectStore } from '../adapters/object-store.js';
import type { ResourceNames } from '../resources.js';
import { appKeys } from './keys.js';

/**
 * What the bridge keeps of one stored version of an app in an environment
 * (`apps/<app>/versions/<version>/image.json`, repeated in
 * `apps/<app>/image.json` for the newest): where its archive is, its image
 * facts and its latest scan.
 */
export interface StoredImageMetadata {
	/** Absent only for images stored before apps had versions. */
	version?: string;
	storage: { bucket: string; key: string; digest: string };
	configDigest: string;
	manifestDigest?: string;
	archiveDigest?: string;
	archiveSize?: number;
	scan?: object;
	jobId?: string;
	uploadedAt?: string;
	uploadedBy?: { id: number; login: string };
	[ fact: string ]: unknown;
}

interface Storage {
	objects: ObjectStore;
	names: ResourceNames;
}

/**
 * One version of an app in an environment, or its newest (the current image)
 * when no version is named; undefined when there is none.
 */
export async function findStoredImage(
	storage: Storage,
	appName: string,
	environment: string,
	version?: string
): Promise< StoredImageMetadata | undefined > {
	const text = await storage.objects.getObjectText(
		storage.names.buckets.environment( environment ),
		version === undefined
			? appKeys.image( appName )
			: appKeys.versionImage( appName, version )
	);
	return text ? ( JSON.parse( text ) as StoredImageMetadata ) : undefined;
}

/** Versions an app keeps in an environment; the plugin refuses uploads beyond its own limit first. */
const MAX_VERSIONS = 1000;

/** Every stored version of an app in an environment, newest first. */
export async function listStoredVersions(
	storage: Storage,
	appName: string,
	environment: string
): Promise< StoredImageMetadata[] > {
	const bucket = storage.names.buckets.environment( environment );
	const keys = await storage.objects.listKeys(
		bucket,
		appKeys.versions( appName ),
		// An archive and its facts per version.
		MAX_VERSIONS * 2
	);
	const versions = await Promise.all(
		keys
			.filter( ( key ) => key.endsWith( '/image.json' ) )
			.map( async ( key ) => {
				const text = await storage.objects.getObjectText( bucket, key );
				return text
					? ( JSON.parse( text ) as StoredImageMetadata )
					: undefined;
			} )
	);
	return versions
		.filter( ( v ): v is StoredImageMetadata => v !== undefined )
		.sort( ( a, b ) =>
			( b.uploadedAt ?? '' ).localeCompare( a.uploadedAt ?? '' )
		);
}

/** The environments that hold this version of the app (a label is unique per app). */
export async function environmentsHoldingVersion(
	storage: Storage & { environments: string[] },
	appName: string,
	version: string
): Promise< string[] > {
	const held = await Promise.all(
		storage.environments.map( async ( environment ) =>
			( await storage.objects.headObject(
				storage.names.buckets.environment( environment ),
				appKeys.versionImage( appName, version )
			) )
				? environment
				: undefined
		)
	);
	return held.filter( ( name ): name is string => name !== undefined );
}

/** Writes a version's facts, and the app's current image when it is the newest. */
export async function saveStoredImage(
	storage: Storage,
	appName: string,
	environment: string,
	image: StoredImageMetadata & { version: string },
	{ current }: { current: boolean }
) {
	const bucket = storage.names.buckets.environment( environment );
	const text = JSON.stringify( image, null, 2 );
	await storage.objects.putObject(
		bucket,
		appKeys.versionImage( appName, image.version ),
		text,
		'application/json'
	);
	if ( current ) {
		await storage.objects.putObject(
			bucket,
			appKeys.image( appName ),
			text,
			'application/json'
		);
	}
}
