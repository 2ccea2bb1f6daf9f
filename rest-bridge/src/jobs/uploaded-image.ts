import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { ImageFacts } from '../image/validate-archive.js';
import type { JobRecord } from '../job-model/job.js';

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

/** The image facts in the terms WordPress keeps them on the post (`k8or_orbit_image`). */
export function catalogImage( validated: ValidatedImage, job: JobRecord ) {
	const { facts } = validated;
	return {
		...imageReference( facts.repoTags[ 0 ] ),
		configDigest: facts.configDigest,
		manifestDigest: facts.manifestDigest,
		archiveDigest: validated.archiveDigest,
		size: validated.size,
		os: facts.os,
		architecture: facts.architecture,
		exposedPorts: facts.exposedPorts,
		layerCount: facts.layers.length,
		uploadedBy: job.actor,
		uploadedAt: job.createdAt,
	};
}

/** Everything the bridge keeps of the image beside the archive (`image.json`). */
export function storedImageMetadata(
	validated: ValidatedImage,
	stored: StoredImage,
	job: JobRecord
) {
	const { facts } = validated;
	return {
		...catalogImage( validated, job ),
		format: facts.format,
		repoTags: facts.repoTags,
		entrypoint: facts.entrypoint,
		cmd: facts.cmd,
		env: facts.env,
		labels: facts.labels,
		totalSize: facts.totalSize,
		storage: stored,
	};
}

/** "registry:5000/team/app:1.0" → repository "registry:5000/team/app", tag "1.0". */
function imageReference( repoTag: string | undefined ): {
	repository?: string;
	tag?: string;
} {
	if ( ! repoTag ) {
		return {};
	}
	const reference = repoTag.replace( /@.*$/, '' );
	const colon = reference.lastIndexOf( ':' );
	return colon > reference.lastIndexOf( '/' )
		? {
				repository: reference.slice( 0, colon ),
				tag: reference.slice( colon + 1 ),
			}
		: { repository: reference };
}
