import type { ObjectStore } from '../adapters/s3.js';
import type { ResourceNames } from '../resources.js';
import { appKeys } from './keys.js';

export interface StoredImageMetadata {
	storage: { bucket: string; key: string; digest: string };
	configDigest: string;
}

/** The stored image of an app in an environment, or undefined when there is none. */
export async function findStoredImage(
	storage: { objects: ObjectStore; names: ResourceNames },
	appName: string,
	environment: string
): Promise< StoredImageMetadata | undefined > {
	const text = await storage.objects.getObjectText(
		storage.names.buckets.environment( environment ),
		appKeys.image( appName )
	);
	return text ? ( JSON.parse( text ) as StoredImageMetadata ) : undefined;
}
