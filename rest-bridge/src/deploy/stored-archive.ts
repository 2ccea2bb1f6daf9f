import type { Readable } from 'node:stream';

import type { ObjectStore } from '../adapters/object-store.js';
import type { RandomAccessArchive } from '../image/random-access-archive.js';

async function collect( stream: Readable ): Promise< Buffer > {
	const chunks: Buffer[] = [];
	for await ( const chunk of stream ) {
		chunks.push( chunk as Buffer );
	}
	return Buffer.concat( chunks );
}

/**
 * An archive kept in object storage, read by ranges: its index and
 * documents with small reads, its layers as streams, never the whole object.
 * Undefined when the object does not exist.
 */
export async function storedArchive(
	objects: ObjectStore,
	bucket: string,
	key: string
): Promise< RandomAccessArchive | undefined > {
	const head = await objects.headObject( bucket, key );
	if ( ! head ) {
		return undefined;
	}
	const stream = ( start: number, length: number ) =>
		objects.getObjectRange( bucket, key, start, length );
	return {
		size: head.size,
		stream,
		read: async ( start, length ) => {
			const bytes = await collect( await stream( start, length ) );
			if ( bytes.length !== length ) {
				throw new Error(
					`Read ${ bytes.length } bytes of ${ bucket }/${ key } at ${ start }, expected ${ length }`
				);
			}
			return bytes;
		},
	};
}
