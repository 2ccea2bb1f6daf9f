import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Extract } from 'tar-stream';

import { inspectBlob, type BlobRecord } from './blob-inspector.js';
import { normalizeEntryName, resolveLinkTarget } from './entry-paths.js';
import { ImageValidationError } from './errors.js';
import {
	CONFIG_MEDIA_TYPES,
	INDEX_MEDIA_TYPES,
	LAYER_MEDIA_TYPES,
	MANIFEST_MEDIA_TYPES,
	MEDIA_TYPES,
	dockerArchiveManifestSchema,
	imageConfigSchema,
	imageIndexSchema,
	imageManifestSchema,
	ociLayoutSchema,
	parseDocument,
	type Descriptor,
	type ImageConfig,
} from './image-documents.js';
import { resolveLimits, type ArchiveLimits } from './limits.js';

export { ImageValidationError, type ImageValidationCode } from './errors.js';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits.js';

export interface LayerFacts {
	/** sha256 of the layer as stored in the archive. */
	digest: string;
	/** sha256 of the uncompressed layer tar (the config's rootfs.diff_ids entry). */
	diffId: string;
	size: number;
	mediaType: string;
}

export interface ImageFacts {
	format: 'docker-archive' | 'oci-archive';
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

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const BLOB_PATH = /^blobs\/sha256\/([a-f0-9]{64})$/;
const DOCKER_CONTENT_NAME = /^([a-f0-9]{64})\.(?:json|tar)$/;
const MAX_LINK_HOPS = 8;
/** Annotations naming an image in an OCI index, the most complete name first. */
const REF_NAME_ANNOTATIONS = [
	'io.containerd.image.name',
	'org.opencontainers.image.ref.name',
];

/** Everything read from the archive in its single pass. */
interface ArchiveContents {
	files: Map< string, BlobRecord >;
	links: Map< string, string >;
}

async function readArchive(
	source: Readable,
	limits: ArchiveLimits
): Promise< ArchiveContents > {
	const files = new Map< string, BlobRecord >();
	const links = new Map< string, string >();
	const seen = new Set< string >();
	let firstBytes: Buffer | undefined;
	const tap = new Transform( {
		transform( chunk: Buffer, _encoding, callback: TransformCallback ) {
			firstBytes ??= chunk.subarray( 0, 2 );
			callback( null, chunk );
		},
	} );
	const extract = tar.extract();

	const walk = async ( entries: Extract ) => {
		let entryCount = 0;
		let totalBytes = 0;
		let retainedJsonBytes = 0;
		const maxDocumentBytes = Math.max(
			limits.maxManifestBytes,
			limits.maxConfigBytes,
			limits.maxIndexBytes
		);
		for await ( const entry of entries ) {
			const { header } = entry;
			entryCount += 1;
			if ( entryCount > limits.maxEntries ) {
				throw new ImageValidationError(
					'ARCHIVE_TOO_MANY_ENTRIES',
					`The archive holds more than ${ limits.maxEntries } entries; an image archive has a few per layer. Check that this is an image archive (docker save, skopeo copy).`
				);
			}
			const name = normalizeEntryName(
				header.name,
				'ARCHIVE',
				'the archive',
				limits.maxNameLength
			);
			if ( name !== '' && seen.has( name ) ) {
				throw new ImageValidationError(
					'ARCHIVE_DUPLICATE_ENTRY',
					`The archive contains "${ name }" twice; which copy counts would depend on the tool reading it. Re-create the archive.`
				);
			}
			seen.add( name );
			switch ( header.type ) {
				case 'directory':
					entry.resume();
					break;
				case 'file':
				case 'contiguous-file': {
					totalBytes += header.size;
					if ( totalBytes > limits.maxTotalBytes ) {
						throw new ImageValidationError(
							'ARCHIVE_TOO_LARGE',
							`The archive's files add up to more than ${ limits.maxTotalBytes } bytes, the largest image accepted. Slim the image.`
						);
					}
					// streamx readables are async-iterable at run time; their typings omit it.
					const chunks = entry as unknown as AsyncIterable< Buffer >;
					const record = await inspectBlob(
						chunks,
						name,
						header.size,
						header.size <= maxDocumentBytes,
						limits
					);
					retainedJsonBytes += record.json?.length ?? 0;
					if ( retainedJsonBytes > limits.maxRetainedJsonBytes ) {
						throw new ImageValidationError(
							'ARCHIVE_METADATA_TOO_LARGE',
							`The archive's JSON documents add up to more than ${ limits.maxRetainedJsonBytes } bytes. This is not a normal image archive; re-export it.`
						);
					}
					files.set( name, record );
					break;
				}
				case 'symlink':
				case 'link':
					links.set(
						name,
						resolveLinkTarget(
							name,
							header.linkname,
							header.type,
							'ARCHIVE',
							'the archive'
						)
					);
					entry.resume();
					break;
				default:
					throw new ImageValidationError(
						'ARCHIVE_SPECIAL_FILE',
						`The archive contains "${ name }", a ${ header.type ?? 'special' } entry. Image archives hold only files, directories and links; re-create it.`
					);
			}
		}
	};

	const piping = pipeline( source, tap, extract );
	const walking = walk( extract );
	const [ piped, walked ] = await Promise.allSettled( [ piping, walking ] );
	if (
		walked.status === 'rejected' &&
		walked.reason instanceof ImageValidationError
	) {
		source.destroy();
		throw walked.reason;
	}
	const failure = [ piped, walked ].find(
		( outcome ) => outcome.status === 'rejected'
	)?.reason;
	if ( failure !== undefined ) {
		source.destroy();
		if ( firstBytes?.[ 0 ] === 0x1f && firstBytes[ 1 ] === 0x8b ) {
			throw new ImageValidationError(
				'ARCHIVE_COMPRESSED',
				'The archive is gzip-compressed. Upload the plain tar (gunzip it first, or use the output of docker save / skopeo copy directly).'
			);
		}
		// A source that cannot be read (a missing file, a broken download) is not a bad archive.
		if (
			failure instanceof ImageValidationError ||
			( failure instanceof Error && 'syscall' in failure )
		) {
			throw failure;
		}
		throw new ImageValidationError(
			'ARCHIVE_TAR_INVALID',
			`The file is not a complete tar archive (${ ( failure as Error ).message }). Upload the output of docker save or skopeo copy … docker-archive:/oci-archive: unchanged.`
		);
	}
	return { files, links };
}

/** Digest checks and lookups over what was read, once the whole archive has streamed past. */
class ArchiveIndex {
	constructor(
		private readonly contents: ArchiveContents,
		private readonly limits: ArchiveLimits
	) {}

	has( name: string ): boolean {
		return (
			this.contents.files.has( name ) || this.contents.links.has( name )
		);
	}

	/** The file at a path, following links inside the archive. */
	file( path: string, purpose: string ): BlobRecord {
		let name = normalizeEntryName(
			path,
			'ARCHIVE',
			'the archive',
			this.limits.maxNameLength
		);
		for ( let hop = 0; hop <= MAX_LINK_HOPS; hop++ ) {
			const record = this.contents.files.get( name );
			if ( record ) {
				this.checkNamedDigest( record );
				return record;
			}
			const target = this.contents.links.get( name );
			if ( target === undefined ) {
				break;
			}
			name = target;
		}
		throw new ImageValidationError(
			'BLOB_MISSING',
			`The ${ purpose } "${ path }" is referenced but not in the archive. The archive is incomplete; re-export it.`
		);
	}

	/** The blob a descriptor points at, with its digest and size checked. */
	blob( descriptor: Descriptor, purpose: string ): BlobRecord {
		if ( ! SHA256_DIGEST.test( descriptor.digest ) ) {
			if (
				! descriptor.digest.startsWith( 'sha256:' ) &&
				/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(
					descriptor.digest
				)
			) {
				throw new ImageValidationError(
					'DIGEST_ALGORITHM_UNSUPPORTED',
					`The ${ purpose } uses the digest "${ descriptor.digest }"; only sha256 digests are supported. Re-export the image with sha256.`
				);
			}
			throw new ImageValidationError(
				'DIGEST_INVALID',
				`The ${ purpose } has the malformed digest "${ descriptor.digest }". Re-export the image.`
			);
		}
		const record = this.file(
			`blobs/sha256/${ descriptor.digest.slice( 7 ) }`,
			purpose
		);
		if ( record.size !== descriptor.size ) {
			throw new ImageValidationError(
				'DESCRIPTOR_SIZE_MISMATCH',
				`The ${ purpose } ${ descriptor.digest } is ${ record.size } bytes but its descriptor says ${ descriptor.size }. The archive is damaged; re-export it.`
			);
		}
		return record;
	}

	/** Files named after their content (blobs/sha256/<hex>, <hex>.json, <hex>.tar) must hash to that name. */
	checkNamedDigest( record: BlobRecord ): void {
		const match =
			BLOB_PATH.exec( record.name ) ??
			DOCKER_CONTENT_NAME.exec( record.name );
		if ( match && record.digest !== `sha256:${ match[ 1 ] }` ) {
			throw new ImageValidationError(
				'BLOB_DIGEST_MISMATCH',
				`"${ record.name }" hashes to ${ record.digest }, not the digest in its name. The archive is damaged or was altered; re-export it.`
			);
		}
	}

	checkAllNamedDigests(): void {
		for ( const record of this.contents.files.values() ) {
			this.checkNamedDigest( record );
		}
	}
}

function manyImagesError( choices: string[] ): ImageValidationError {
	return new ImageValidationError(
		'ARCHIVE_MULTIPLE_IMAGES',
		`The archive holds ${ choices.length } images (${ choices.join( ', ' ) || 'unnamed' }). Upload an archive with exactly one image, or say which one to use.`
	);
}

function imageNotFound(
	wanted: string,
	choices: string[]
): ImageValidationError {
	return new ImageValidationError(
		'ARCHIVE_IMAGE_NOT_FOUND',
		`The archive has no image named "${ wanted }"; it holds: ${ choices.join( ', ' ) || 'unnamed images' }.`
	);
}

/** Checks that a file used as a layer is one, and returns its facts. */
function layerFacts(
	record: BlobRecord,
	position: number,
	declaredGzip: boolean | undefined,
	mediaType: string
): LayerFacts {
	const label = `layer ${ position + 1 } ("${ record.name }")`;
	if ( record.content !== 'gzip' && record.content !== 'tar' ) {
		throw new ImageValidationError(
			'LAYER_TAR_INVALID',
			`${ label } is neither a tar nor a gzip-compressed tar. The archive is damaged; re-export it.`
		);
	}
	if (
		declaredGzip !== undefined &&
		declaredGzip !== ( record.content === 'gzip' )
	) {
		throw new ImageValidationError(
			'LAYER_COMPRESSION_MISMATCH',
			`${ label } is declared as ${ mediaType } but its bytes are ${ record.content === 'gzip' ? 'gzip-compressed' : 'an uncompressed tar' }. A registry client would fail to unpack it; re-export the image so media types match the data.`
		);
	}
	if ( record.layerProblem ) {
		throw record.layerProblem;
	}
	if ( ! record.diffId ) {
		throw new Error( `No diff_id was computed for ${ label }.` );
	}
	return {
		digest: record.digest,
		diffId: record.diffId,
		size: record.size,
		mediaType,
	};
}

function checkLayerCount( count: number, limits: ArchiveLimits ): void {
	if ( count > limits.maxLayers ) {
		throw new ImageValidationError(
			'TOO_MANY_LAYERS',
			`The image has ${ count } layers; the limit is ${ limits.maxLayers }. Squash some layers (fewer RUN/COPY steps).`
		);
	}
}

interface ChosenImage {
	format: ImageFacts[ 'format' ];
	config: BlobRecord;
	manifestDigest?: string;
	layers: LayerFacts[];
	repoTags: string[];
}

function chooseDockerImage(
	archive: ArchiveIndex,
	limits: ArchiveLimits,
	options: ValidateOptions
): ChosenImage {
	const images = parseDocument(
		archive.file( 'manifest.json', 'manifest' ),
		'manifest',
		dockerArchiveManifestSchema,
		limits.maxManifestBytes
	);
	const names = images.flatMap( ( image ) => image.RepoTags ?? [] );
	let image = images[ 0 ];
	if ( options.image !== undefined ) {
		image = images.find( ( candidate ) =>
			candidate.RepoTags?.includes( options.image ?? '' )
		);
		if ( ! image ) {
			throw imageNotFound( options.image, names );
		}
	} else if ( images.length > 1 ) {
		throw manyImagesError( names );
	}
	if ( ! image ) {
		throw new Error( 'manifest.json parsed without images' );
	}
	checkLayerCount( image.Layers.length, limits );
	const layers = image.Layers.map( ( path, position ) => {
		const record = archive.file( path, `layer ${ position + 1 }` );
		const mediaType =
			record.content === 'gzip'
				? MEDIA_TYPES.dockerLayerGzip
				: MEDIA_TYPES.dockerLayer;
		return layerFacts( record, position, undefined, mediaType );
	} );
	return {
		format: 'docker-archive',
		config: archive.file( image.Config, 'image configuration' ),
		layers,
		repoTags: image.RepoTags ?? [],
	};
}

function refNames( descriptor: Descriptor ): string[] {
	const names = REF_NAME_ANNOTATIONS.map(
		( key ) => descriptor.annotations?.[ key ]
	).filter( ( name ): name is string => Boolean( name ) );
	return [ ...new Set( names ) ];
}

/** An image manifest listed by the archive, with the names it goes by. */
interface Candidate {
	descriptor: Descriptor;
	names: string[];
}

function chooseOciImage(
	archive: ArchiveIndex,
	limits: ArchiveLimits,
	options: ValidateOptions
): ChosenImage {
	if ( ! archive.has( 'oci-layout' ) ) {
		throw new ImageValidationError(
			'OCI_LAYOUT_INVALID',
			'The archive has index.json but no oci-layout file, so it is not an OCI image layout. Re-export it with skopeo copy … oci-archive: or docker save.'
		);
	}
	parseDocument(
		archive.file( 'oci-layout', 'oci-layout file' ),
		'layout',
		ociLayoutSchema,
		limits.maxIndexBytes
	);
	const index = parseDocument(
		archive.file( 'index.json', 'image index' ),
		'index',
		imageIndexSchema,
		limits.maxIndexBytes
	);

	// One level of nesting: a multi-platform image inside the layout's index.
	const candidates: Candidate[] = [];
	for ( const descriptor of index.manifests ) {
		if ( ! INDEX_MEDIA_TYPES.includes( descriptor.mediaType ) ) {
			candidates.push( { descriptor, names: refNames( descriptor ) } );
			continue;
		}
		const nested = parseDocument(
			archive.blob( descriptor, 'image index' ),
			'index',
			imageIndexSchema,
			limits.maxIndexBytes
		);
		// Platform manifests inside a named index go by the index's name.
		for ( const inner of nested.manifests ) {
			const names = refNames( inner );
			candidates.push( {
				descriptor: inner,
				names: names.length ? names : refNames( descriptor ),
			} );
		}
	}
	const images = candidates.filter( ( { descriptor } ) =>
		MANIFEST_MEDIA_TYPES.includes( descriptor.mediaType )
	);
	if ( images.length === 0 ) {
		if ( candidates.length > 0 ) {
			const found = new Set(
				candidates.map( ( { descriptor } ) => descriptor.mediaType )
			);
			throw new ImageValidationError(
				'MANIFEST_MEDIA_TYPE_UNSUPPORTED',
				`The archive's manifests have the media types ${ [ ...found ].join( ', ' ) }; supported are ${ MANIFEST_MEDIA_TYPES.join( ', ' ) }. Re-export the image as OCI or Docker v2 schema 2.`
			);
		}
		throw new ImageValidationError(
			'INDEX_INVALID',
			"The archive's index.json lists no image. Re-export the image."
		);
	}
	const describe = ( { descriptor, names }: Candidate ) =>
		names[ 0 ] ??
		( descriptor.platform
			? `${ descriptor.platform.os }/${ descriptor.platform.architecture }`
			: descriptor.digest );
	let chosen = images[ 0 ];
	if ( options.image !== undefined ) {
		const wanted = options.image;
		const matching = images.filter( ( { names } ) =>
			names.includes( wanted )
		);
		if ( matching.length === 0 ) {
			throw imageNotFound( wanted, images.map( describe ) );
		}
		if ( matching.length > 1 ) {
			throw manyImagesError( matching.map( describe ) );
		}
		chosen = matching[ 0 ];
	} else if ( images.length > 1 ) {
		throw manyImagesError( images.map( describe ) );
	}
	if ( ! chosen ) {
		throw new Error( 'no image chosen from a non-empty list' );
	}

	const manifest = parseDocument(
		archive.blob( chosen.descriptor, 'image manifest' ),
		'manifest',
		imageManifestSchema,
		limits.maxManifestBytes
	);
	if ( ! CONFIG_MEDIA_TYPES.includes( manifest.config.mediaType ) ) {
		throw new ImageValidationError(
			'CONFIG_INVALID',
			`The manifest's configuration has media type ${ manifest.config.mediaType }, so this is not a container image (expected ${ CONFIG_MEDIA_TYPES.join( ' or ' ) }).`
		);
	}
	checkLayerCount( manifest.layers.length, limits );
	const layers = manifest.layers.map( ( descriptor, position ) => {
		const declaredGzip = LAYER_MEDIA_TYPES.get( descriptor.mediaType );
		if ( declaredGzip === undefined ) {
			throw new ImageValidationError(
				'LAYER_MEDIA_TYPE_UNSUPPORTED',
				`Layer ${ position + 1 } has media type ${ descriptor.mediaType }; supported are ${ [ ...LAYER_MEDIA_TYPES.keys() ].join( ', ' ) }. Re-export the image with gzip or uncompressed layers.`
			);
		}
		return layerFacts(
			archive.blob( descriptor, `layer ${ position + 1 }` ),
			position,
			declaredGzip,
			descriptor.mediaType
		);
	} );
	return {
		format: 'oci-archive',
		config: archive.blob( manifest.config, 'image configuration' ),
		manifestDigest: chosen.descriptor.digest,
		layers,
		repoTags: chosen.names,
	};
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
 * Validates a container image archive (docker-archive or OCI image layout in a
 * tar) in one streaming pass, without holding it in memory, and returns what
 * the portal needs to know about the image.
 *
 * @param source  the archive's bytes
 * @param limits  overrides of DEFAULT_ARCHIVE_LIMITS
 * @param options which image to take from an archive with several
 * @throws ImageValidationError when the archive is not acceptable
 */
export async function validateArchive(
	source: Readable,
	limits: Partial< ArchiveLimits > = {},
	options: ValidateOptions = {}
): Promise< ImageFacts > {
	const resolved = resolveLimits( limits );
	const archive = new ArchiveIndex(
		await readArchive( source, resolved ),
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
