/**
 * The image inside a stored archive, located blob by blob from the archive's index (see
 * random-access-archive.ts) without reading the layers: what a registry push needs.
 */
import { createHash } from 'node:crypto';

import {
	INDEX_MEDIA_TYPES,
	MANIFEST_MEDIA_TYPES,
	MEDIA_TYPES,
	dockerArchiveManifestSchema,
	imageIndexSchema,
	imageManifestSchema,
	parseDocument,
	type Descriptor,
} from './image-documents.js';
import { ImageValidationError } from './errors.js';
import { resolveLimits, type ArchiveLimits } from './limits.js';
import {
	indexArchive,
	type ArchiveEntry,
	type ArchiveFiles,
	type ArchiveImage,
	type ImageBlob,
	type RandomAccessArchive,
} from './random-access-archive.js';

function located(
	files: ArchiveFiles,
	descriptor: Descriptor,
	purpose: string
): ImageBlob {
	if ( ! /^sha256:[a-f0-9]{64}$/.test( descriptor.digest ) ) {
		throw new ImageValidationError(
			'DIGEST_INVALID',
			`The ${ purpose } has the digest "${ descriptor.digest }"; only sha256 digests are supported.`
		);
	}
	const entry = files.entry(
		`blobs/sha256/${ descriptor.digest.slice( 7 ) }`,
		purpose
	);
	if ( entry.size !== descriptor.size ) {
		throw new ImageValidationError(
			'DESCRIPTOR_SIZE_MISMATCH',
			`The ${ purpose } ${ descriptor.digest } is ${ entry.size } bytes but its descriptor says ${ descriptor.size }.`
		);
	}
	return {
		digest: descriptor.digest,
		size: descriptor.size,
		mediaType: descriptor.mediaType,
		entry,
	};
}

async function ociImage( files: ArchiveFiles ): Promise< ArchiveImage > {
	const { limits } = files;
	const readIndex = async ( entry: ArchiveEntry ) =>
		parseDocument(
			await files.document( entry, limits.maxIndexBytes ),
			'index',
			imageIndexSchema,
			limits.maxIndexBytes
		);
	const index = await readIndex( files.entry( 'index.json', 'image index' ) );
	const manifests: Descriptor[] = [];
	for ( const descriptor of index.manifests ) {
		if ( INDEX_MEDIA_TYPES.includes( descriptor.mediaType ) ) {
			const nested = await readIndex(
				located( files, descriptor, 'image index' ).entry
			);
			manifests.push( ...nested.manifests );
		} else {
			manifests.push( descriptor );
		}
	}
	const images = manifests.filter( ( d ) =>
		MANIFEST_MEDIA_TYPES.includes( d.mediaType )
	);
	// Upload accepted only archives with exactly one image.
	if ( images.length !== 1 || ! images[ 0 ] ) {
		throw new ImageValidationError(
			'ARCHIVE_MULTIPLE_IMAGES',
			`The archive lists ${ images.length } images; it was accepted with one. Upload the image again.`
		);
	}
	const manifestBlob = located( files, images[ 0 ], 'image manifest' );
	const record = await files.document(
		manifestBlob.entry,
		limits.maxManifestBytes
	);
	const manifest = parseDocument(
		record,
		'manifest',
		imageManifestSchema,
		limits.maxManifestBytes
	);
	if ( record.digest !== manifestBlob.digest || ! record.json ) {
		throw new ImageValidationError(
			'BLOB_DIGEST_MISMATCH',
			`The image manifest hashes to ${ record.digest }, not ${ manifestBlob.digest }. Upload the image again.`
		);
	}
	return {
		format: 'oci-archive',
		config: located( files, manifest.config, 'image configuration' ),
		layers: manifest.layers.map( ( layer, position ) =>
			located( files, layer, `layer ${ position + 1 }` )
		),
		manifest: {
			mediaType: manifest.mediaType ?? manifestBlob.mediaType,
			bytes: record.json,
			digest: record.digest,
		},
	};
}

async function dockerImage( files: ArchiveFiles ): Promise< ArchiveImage > {
	const { limits } = files;
	const images = parseDocument(
		await files.document(
			files.entry( 'manifest.json', 'manifest' ),
			limits.maxManifestBytes
		),
		'manifest',
		dockerArchiveManifestSchema,
		limits.maxManifestBytes
	);
	const [ image ] = images;
	if ( images.length !== 1 || ! image ) {
		throw new ImageValidationError(
			'ARCHIVE_MULTIPLE_IMAGES',
			`The archive lists ${ images.length } images; it was accepted with one. Upload the image again.`
		);
	}
	const configEntry = files.entry( image.Config, 'image configuration' );
	const config: ImageBlob = {
		digest: await files.digest( configEntry ),
		size: configEntry.size,
		mediaType: MEDIA_TYPES.dockerConfig,
		entry: configEntry,
	};
	const layers: ImageBlob[] = [];
	for ( const [ position, path ] of image.Layers.entries() ) {
		const entry = files.entry( path, `layer ${ position + 1 }` );
		layers.push( {
			digest: await files.digest( entry ),
			size: entry.size,
			mediaType: ( await files.isGzip( entry ) )
				? MEDIA_TYPES.dockerLayerGzip
				: MEDIA_TYPES.dockerLayer,
			entry,
		} );
	}
	// A docker-archive carries no registry manifest; this one is written the same way every time.
	const bytes = Buffer.from(
		JSON.stringify( {
			schemaVersion: 2,
			mediaType: MEDIA_TYPES.dockerManifest,
			config: {
				mediaType: config.mediaType,
				size: config.size,
				digest: config.digest,
			},
			layers: layers.map( ( layer ) => ( {
				mediaType: layer.mediaType,
				size: layer.size,
				digest: layer.digest,
			} ) ),
		} )
	);
	return {
		format: 'docker-archive',
		config,
		layers,
		manifest: {
			mediaType: MEDIA_TYPES.dockerManifest,
			bytes,
			digest: `sha256:${ createHash( 'sha256' ).update( bytes ).digest( 'hex' ) }`,
		},
	};
}

/**
 * The image inside a stored archive (docker-archive or OCI layout), located
 * blob by blob without reading the layers: what a registry push needs.
 */
export async function readArchiveImage(
	archive: RandomAccessArchive,
	limits: Partial< ArchiveLimits > = {}
): Promise< ArchiveImage > {
	const files = await indexArchive( archive, resolveLimits( limits ) );
	if ( files.has( 'manifest.json' ) ) {
		return dockerImage( files );
	}
	if ( files.has( 'index.json' ) ) {
		return ociImage( files );
	}
	throw new ImageValidationError(
		'ARCHIVE_FORMAT_UNKNOWN',
		'The archive has neither manifest.json (docker-archive) nor index.json (OCI layout).'
	);
}
