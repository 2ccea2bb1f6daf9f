import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { ImageFacts } from '../image/validate-archive.js';

/** What the upload job learns of the image it receives and where it keeps it. */

export interface ValidatedImage {
	facts: ImageFacts;
	archiveDigest: string;
	size: number;
}

export interface StoredImage {
	bucket: string;
	key: string;
	digest: string;
}

/** Counts the bytes and hashes them on their way to the validator. */
export function digestingPassThrough() {
	const hash = createHash( 'sha256' );
	let bytes = 0;
	const stream = new Transform( {
		transform( chunk: Buffer, _encoding, callback ) {
			hash.update( chunk );
			bytes += chunk.length;
			callback( null, chunk );
		},
	} );
	return {
		stream,
		result: () => ( { digest: `sha256:${ hash.digest( 'hex' ) }`, bytes } ),
	};
}

/** The image facts WordPress keeps on the post (`k8or_orbit_image`). */
export function imageSummary( validated: ValidatedImage, stored: StoredImage ) {
	const { facts } = validated;
	return {
		format: facts.format,
		configDigest: facts.configDigest,
		manifestDigest: facts.manifestDigest,
		archiveDigest: validated.archiveDigest,
		archiveSize: validated.size,
		repoTags: facts.repoTags,
		os: facts.os,
		architecture: facts.architecture,
		exposedPorts: facts.exposedPorts,
		entrypoint: facts.entrypoint,
		cmd: facts.cmd,
		env: facts.env,
		labels: facts.labels,
		layers: facts.layers.length,
		totalSize: facts.totalSize,
		storage: stored,
	};
}
