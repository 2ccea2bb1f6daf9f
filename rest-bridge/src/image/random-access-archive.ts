import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

import type { BlobRecord } from './blob-inspector.js';
import { normalizeEntryName, resolveLinkTarget } from './entry-paths.js';
import { ImageValidationError } from './errors.js';
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
