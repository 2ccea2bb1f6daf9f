import { open } from 'node:fs/promises';

import {
	chooseDockerImage,
	chooseOciImage,
	type ChosenImage,
	type LayerFacts,
} from './choose-image.js';
import { ImageValidationError } from './errors.js';
import {
	imageConfigSchema,
	parseDocument,
	type ImageConfig,
} from './image-documents.js';
import { ArchiveIndex, readArchive } from './archive-index.js';
import {
	ARCHIVE_READ_CHUNK_BYTES,
	resolveLimits,
	type ArchiveLimits,
} from './limits.js';

export { ImageValidationError, type ImageValidationCode } from './errors.js';
export type { LayerFacts } from './choose-image.js';
export {
	ARCHIVE_READ_CHUNK_BYTES,
	DEFAULT_ARCHIVE_LIMITS,
	type ArchiveLimits,
} from './limits.js';

export interface ImageFacts {
	format: ChosenImage[ 'format' ];
	configDigest: string;
	/** Digest of the image manifest blob; a docker-archive has none. */
	manifestDigest?: string;
	layers: LayerFacts[];
	repoTags: string[];
	os: string;
	architecture: string;
	/** Normalized "<port>/<protocol>", e.g. "8080/tcp". */
	exposedPorts: string[];
	entrypoint: string[];
	cmd: string[];
	env: string[];
	labels: Record< string, string >;
	/** Sum of the stored sizes of the image's layers. */
	totalSize: number;
}

export interface ValidateOptions {
	/** Picks one image from an archive holding several: a repo tag (docker-archive) or ref name (OCI). */
	image?: string;
}

function normalizePorts( config: ImageConfig ): string[] {
	return Object.keys( config.config?.ExposedPorts ?? {} ).map( ( key ) => {
		const match = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec( key );
		const port = Number( match?.[ 1 ] );
		if ( ! match || port < 1 || port > 65535 ) {
			throw new ImageValidationError(
				'CONFIG_INVALID',
				`The image configuration exposes "${ key }", which is not a port (expected e.g. 8080/tcp). Fix the EXPOSE line of the image.`
			);
		}
		return `${ port }/${ ( match[ 2 ] ?? 'tcp' ).toLowerCase() }`;
	} );
}

/**
 * A file's bytes, read into one buffer over and over: each chunk is only valid
 * until the next is asked for, which readArchive honours (it copies what it keeps).
 * No buffer per read means no garbage for the collector and no fresh pages to fault in.
 */
async function* fileChunks( path: string ): AsyncGenerator< Buffer > {
	const file = await open( path, 'r' );
	try {
		const buffer = Buffer.allocUnsafe( ARCHIVE_READ_CHUNK_BYTES );
		for (;;) {
			const { bytesRead } = await file.read(
				buffer,
				0,
				buffer.length,
				null
			);
			if ( bytesRead === 0 ) {
				return;
			}
			yield buffer.subarray( 0, bytesRead );
		}
	} finally {
		await file.close();
	}
}

/**
 * Validates a container image archive (docker-archive or OCI image layout in a
 * tar) in one streaming pass, without holding it in memory, and returns what
 * the portal needs to know about the image.
 *
 * @param source  the archive's bytes (a Readable, or the path of a file to read)
 * @param limits  overrides of DEFAULT_ARCHIVE_LIMITS
 * @param options which image to take from an archive with several
 * @throws ImageValidationError when the archive is not acceptable
 */
export async function validateArchive(
	source: AsyncIterable< Buffer > | { path: string },
	limits: Partial< ArchiveLimits > = {},
	options: ValidateOptions = {}
): Promise< ImageFacts > {
	const resolved = resolveLimits( limits );
	const chunks = 'path' in source ? fileChunks( source.path ) : source;
	const archive = new ArchiveIndex(
		await readArchive( chunks, resolved ),
		resolved
	);
	archive.checkAllNamedDigests();

	let image: ChosenImage;
	if ( archive.has( 'manifest.json' ) ) {
		image = chooseDockerImage( archive, resolved, options );
	} else if ( archive.has( 'index.json' ) ) {
		image = chooseOciImage( archive, resolved, options );
	} else {
		throw new ImageValidationError(
			'ARCHIVE_FORMAT_UNKNOWN',
			'The archive has neither manifest.json (docker-archive) nor index.json (OCI layout). Upload the output of docker save or skopeo copy … docker-archive:/oci-archive:.'
		);
	}

	const config = parseDocument(
		image.config,
		'config',
		imageConfigSchema,
		resolved.maxConfigBytes
	);
	const diffIds = config.rootfs.diff_ids;
	if ( diffIds.length !== image.layers.length ) {
		throw new ImageValidationError(
			'DIFF_ID_COUNT_MISMATCH',
			`The image configuration lists ${ diffIds.length } layer diff_ids but the manifest has ${ image.layers.length } layers. The archive is inconsistent; re-export it.`
		);
	}
	image.layers.forEach( ( layer, position ) => {
		if ( layer.diffId !== diffIds[ position ] ) {
			throw new ImageValidationError(
				'DIFF_ID_MISMATCH',
				`Layer ${ position + 1 } unpacks to ${ layer.diffId } but the image configuration expects ${ diffIds[ position ] }. The layer was altered or belongs to another image; re-export it.`
			);
		}
	} );

	const settings = config.config ?? {};
	return {
		format: image.format,
		configDigest: image.config.digest,
		...( image.manifestDigest
			? { manifestDigest: image.manifestDigest }
			: {} ),
		layers: image.layers,
		repoTags: image.repoTags,
		os: config.os,
		architecture: config.architecture,
		exposedPorts: normalizePorts( config ),
		entrypoint: settings.Entrypoint ?? [],
		cmd: settings.Cmd ?? [],
		env: settings.Env ?? [],
		labels: settings.Labels ?? {},
		totalSize: image.layers.reduce( ( sum, layer ) => sum + layer.size, 0 ),
	};
}
