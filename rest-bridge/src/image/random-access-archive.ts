import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

import type { BlobRecord } from './blob-inspector.js';
import { normalizeEntryName, resolveLinkTarget } from './entry-paths.js';
import { ImageValidationError } from './errors.js';
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
import { resolveLimits, type ArchiveLimits } from './limits.js';

/** An archive that can be read at any offset: an S3 object read by ranges, a file. */
export interface RandomAccessArchive {
	size: number;
	/** Exactly `length` bytes from `start`, as one buffer (small reads only). */
	read: ( start: number, length: number ) => Promise< Buffer >;
	/** `length` bytes from `start`, as a stream (blobs of any size). */
	stream: ( start: number, length: number ) => Promise< Readable >;
}

/** Where a file's bytes sit inside the archive. */
export interface ArchiveEntry {
	name: string;
	offset: number;
	size: number;
}

/** One blob of the image, located in the archive, with what a registry needs to know. */
export interface ImageBlob {
	digest: string;
	size: number;
	mediaType: string;
	entry: ArchiveEntry;
}

/** The image an archive holds, as a registry receives it: blobs plus the manifest bytes. */
export interface ArchiveImage {
	format: 'docker-archive' | 'oci-archive';
	config: ImageBlob;
	layers: ImageBlob[];
	manifest: { mediaType: string; bytes: Buffer; digest: string };
}

const BLOCK = 512;
/** Headers are read in windows of this size, so a small archive needs one or two reads. */
const WINDOW = 64 * 1024;
/** Largest PAX or GNU long-name record accepted. */
const MAX_HEADER_DATA = 64 * 1024;
const CONTENT_NAMED = [
	/^blobs\/sha256\/([a-f0-9]{64})$/,
	/^([a-f0-9]{64})\.(?:json|tar)$/,
];

function field( block: Buffer, start: number, length: number ): string {
	const raw = block.subarray( start, start + length );
	const end = raw.indexOf( 0 );
	return raw.toString( 'utf8', 0, end === -1 ? raw.length : end );
}

/** Tar sizes are octal text, or base-256 with the high bit set for large files. */
function entrySize( block: Buffer ): number {
	const raw = block.subarray( 124, 136 );
	const first = raw[ 0 ] ?? 0;
	if ( first >= 0x80 ) {
		let value = first - 0x80;
		for ( let i = 1; i < raw.length; i++ ) {
			value = value * 256 + ( raw[ i ] ?? 0 );
		}
		return value;
	}
	const text = field( block, 124, 12 ).trim();
	const size = text === '' ? 0 : Number.parseInt( text, 8 );
	if ( ! Number.isSafeInteger( size ) || size < 0 ) {
		throw new ImageValidationError(
			'ARCHIVE_TAR_INVALID',
			`A tar header declares the size "${ text }". The archive is damaged; upload it again.`
		);
	}
	return size;
}

function paxPath( data: Buffer ): string | undefined {
	let path: string | undefined;
	let position = 0;
	while ( position < data.length ) {
		const space = data.indexOf( 0x20, position );
		const length = Number.parseInt(
			data.toString( 'ascii', position, space ),
			10
		);
		if ( space === -1 || ! Number.isInteger( length ) || length <= 0 ) {
			break;
		}
		const record = data.toString( 'utf8', space + 1, position + length );
		const equals = record.indexOf( '=' );
		if ( record.slice( 0, equals ) === 'path' ) {
			path = record.slice( equals + 1 ).replace( /\n$/, '' );
		}
		position += length;
	}
	return path;
}

/** Reads header blocks through a window, so consecutive small entries cost one request. */
class HeaderReader {
	private windowStart = 0;
	private window: Buffer = Buffer.alloc( 0 );

	constructor( private readonly archive: RandomAccessArchive ) {}

	async bytes( start: number, length: number ): Promise< Buffer > {
		const end = start + length;
		if (
			start < this.windowStart ||
			end > this.windowStart + this.window.length
		) {
			const readLength = Math.min(
				Math.max( length, WINDOW ),
				this.archive.size - start
			);
			this.window = await this.archive.read( start, readLength );
			this.windowStart = start;
		}
		return this.window.subarray(
			start - this.windowStart,
			end - this.windowStart
		);
	}
}

/**
 * Lists the files of a tar archive by reading only its headers (and the
 * PAX/GNU records naming long entries): the bytes of large files are never
 * read, so indexing a many-gigabyte archive costs a few small reads.
 */
export async function indexArchive(
	archive: RandomAccessArchive,
	limits: ArchiveLimits = resolveLimits()
) {
	const files = new Map< string, ArchiveEntry >();
	const links = new Map< string, string >();
	const reader = new HeaderReader( archive );
	let offset = 0;
	let longName: string | undefined;
	let count = 0;
	while ( offset + BLOCK <= archive.size ) {
		const block = await reader.bytes( offset, BLOCK );
		if ( block.every( ( byte ) => byte === 0 ) ) {
			break;
		}
		const size = entrySize( block );
		const dataStart = offset + BLOCK;
		const next = dataStart + Math.ceil( size / BLOCK ) * BLOCK;
		if ( next > archive.size + BLOCK ) {
			throw new ImageValidationError(
				'ARCHIVE_TAR_INVALID',
				'The archive ends inside one of its files. Upload the complete archive again.'
			);
		}
		const type = String.fromCharCode( block[ 156 ] ?? 0 );
		if ( type === 'x' || type === 'L' ) {
			if ( size > MAX_HEADER_DATA ) {
				throw new ImageValidationError(
					'ARCHIVE_NAME_TOO_LONG',
					`A tar extended header is ${ size } bytes; the limit is ${ MAX_HEADER_DATA }. Re-create the archive.`
				);
			}
			const data = await reader.bytes( dataStart, size );
			longName =
				type === 'L'
					? field( data, 0, data.length )
					: ( paxPath( data ) ?? longName );
			offset = next;
			continue;
		}
		if ( type === 'g' || type === 'K' ) {
			offset = next;
			continue;
		}
		count += 1;
		if ( count > limits.maxEntries ) {
			throw new ImageValidationError(
				'ARCHIVE_TOO_MANY_ENTRIES',
				`The archive holds more than ${ limits.maxEntries } entries.`
			);
		}
		const prefix =
			field( block, 257, 5 ) === 'ustar' ? field( block, 345, 155 ) : '';
		const rawName =
			longName ??
			( prefix
				? `${ prefix }/${ field( block, 0, 100 ) }`
				: field( block, 0, 100 ) );
		longName = undefined;
		const name = normalizeEntryName(
			rawName,
			'ARCHIVE',
			'the archive',
			limits.maxNameLength
		);
		if ( type === '0' || type === '\0' || type === '7' ) {
			files.set( name, { name, offset: dataStart, size } );
		} else if ( type === '1' || type === '2' ) {
			links.set(
				name,
				resolveLinkTarget(
					name,
					field( block, 157, 100 ),
					type === '2' ? 'symlink' : 'link',
					'ARCHIVE',
					'the archive'
				)
			);
		}
		offset = next;
	}
	return new ArchiveFiles( archive, files, links, limits );
}

/** The files of an indexed archive, read on demand. */
export class ArchiveFiles {
	constructor(
		private readonly archive: RandomAccessArchive,
		private readonly files: Map< string, ArchiveEntry >,
		private readonly links: Map< string, string >,
		readonly limits: ArchiveLimits
	) {}

	has( name: string ): boolean {
		return this.files.has( name ) || this.links.has( name );
	}

	/** The entry at a path, following links inside the archive. */
	entry( path: string, purpose: string ): ArchiveEntry {
		let name = normalizeEntryName(
			path,
			'ARCHIVE',
			'the archive',
			this.limits.maxNameLength
		);
		for ( let hop = 0; hop <= 8; hop++ ) {
			const found = this.files.get( name );
			if ( found ) {
				return found;
			}
			const target = this.links.get( name );
			if ( target === undefined ) {
				break;
			}
			name = target;
		}
		throw new ImageValidationError(
			'BLOB_MISSING',
			`The ${ purpose } "${ path }" is referenced but not in the archive. Upload the image again.`
		);
	}

	/** A small document, read whole, as the validator's parsers take it. */
	async document( entry: ArchiveEntry, maxBytes: number ) {
		if ( entry.size > maxBytes ) {
			// parseDocument refuses it by its size, with the message for its kind.
			const tooLarge: BlobRecord = {
				name: entry.name,
				size: entry.size,
				digest: '',
				content: 'other',
			};
			return tooLarge;
		}
		const bytes = await this.archive.read( entry.offset, entry.size );
		const record: BlobRecord = {
			name: entry.name,
			size: entry.size,
			digest: `sha256:${ createHash( 'sha256' ).update( bytes ).digest( 'hex' ) }`,
			content: 'json',
			json: bytes,
		};
		return record;
	}

	/** sha256 of an entry: from its content-addressed name, else by reading it through once. */
	async digest( entry: ArchiveEntry ): Promise< string > {
		for ( const pattern of CONTENT_NAMED ) {
			const match = pattern.exec( entry.name );
			if ( match ) {
				return `sha256:${ match[ 1 ] }`;
			}
		}
		const hash = createHash( 'sha256' );
		for await ( const chunk of await this.stream( entry ) ) {
			hash.update( chunk as Buffer );
		}
		return `sha256:${ hash.digest( 'hex' ) }`;
	}

	async isGzip( entry: ArchiveEntry ): Promise< boolean > {
		if ( entry.size < 2 ) {
			return false;
		}
		const head = await this.archive.read( entry.offset, 2 );
		return head[ 0 ] === 0x1f && head[ 1 ] === 0x8b;
	}

	stream( entry: ArchiveEntry ): Promise< Readable > {
		return this.archive.stream( entry.offset, entry.size );
	}
}

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
