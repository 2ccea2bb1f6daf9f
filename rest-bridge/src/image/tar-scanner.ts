/**
 * A push parser for tar streams that hands each file's bytes on as views of the chunks it is
 * given: only header blocks are copied, so a gigabyte layer costs its hash and nothing more.
 * It reads tar exactly as tar-stream's extract does (checksums, ustar prefixes, GNU long names,
 * PAX records, zero blocks skipped, a directory's size ignored), so what it accepts is unchanged.
 */

export type TarEntryType =
	| 'file'
	| 'link'
	| 'symlink'
	| 'character-device'
	| 'block-device'
	| 'directory'
	| 'fifo'
	| 'contiguous-file';

export interface TarHeader {
	name: string;
	/** null for a type flag tar does not define. */
	type: TarEntryType | null;
	size: number;
	/** A link's target; '' for any other entry. */
	linkname: string;
}

/**
 * Where one entry's bytes go. `write` must be done with the view when it returns (or when its
 * promise settles): the chunk under it is reused for the next read.
 */
export interface TarEntrySink {
	write: ( bytes: Buffer ) => void | Promise< void >;
	end: () => void | Promise< void >;
}

/** Called for each entry; returns where its bytes go, or nothing to skip them. */
export type TarEntryHandler = ( header: TarHeader ) => TarEntrySink | undefined;

const BLOCK = 512;
/** Largest GNU long-name or PAX record accepted, as tar-stream has it. */
const MAX_LONG_HEADER_BYTES = 4 * 1024 * 1024;
const USTAR_MAGIC = Buffer.from( 'ustar\0', 'latin1' );
const GNU_MAGIC = Buffer.from( 'ustar ', 'latin1' );
const GNU_VERSION = Buffer.from( ' \0', 'latin1' );

type LongHeaderType =
	'gnu-long-path' | 'gnu-long-link-path' | 'pax-header' | 'pax-global-header';

const TYPES: Record< number, TarEntryType | LongHeaderType > = {
	0: 'file',
	1: 'link',
	2: 'symlink',
	3: 'character-device',
	4: 'block-device',
	5: 'directory',
	6: 'fifo',
	7: 'contiguous-file',
	72: 'pax-header',
	55: 'pax-global-header',
	27: 'gnu-long-link-path',
	28: 'gnu-long-path',
	30: 'gnu-long-path',
};

function isLongHeader(
	type: TarEntryType | LongHeaderType | null
): type is LongHeaderType {
	return (
		type === 'gnu-long-path' ||
		type === 'gnu-long-link-path' ||
		type === 'pax-header' ||
		type === 'pax-global-header'
	);
}

function text( block: Buffer, start: number, length: number ): string {
	let end = start;
	while ( end < start + length && block[ end ] !== 0 ) {
		end++;
	}
	return block.toString( 'utf8', start, end );
}

function base256( raw: Buffer ): number | null {
	let positive: boolean;
	if ( raw[ 0 ] === 0x80 ) {
		positive = true;
	} else if ( raw[ 0 ] === 0xff ) {
		positive = false;
	} else {
		return null;
	}
	let sum = 0;
	for ( let i = 1; i < raw.length; i++ ) {
		const byte = raw[ i ] ?? 0;
		sum = sum * 256 + ( positive ? byte : 0xff - byte );
	}
	return positive ? sum : -sum;
}

function octal( block: Buffer, start: number, length: number ): number | null {
	const raw = block.subarray( start, start + length );
	// A first byte with the high bit set marks a base-256 number.
	if ( ( raw[ 0 ] ?? 0 ) >= 0x80 ) {
		return base256( raw );
	}
	let offset = 0;
	// Older tars pad with leading spaces.
	while ( offset < raw.length && raw[ offset ] === 0x20 ) {
		offset++;
	}
	let end = raw.indexOf( 0x20, offset );
	if ( end === -1 ) {
		end = raw.length;
	}
	while ( offset < end && raw[ offset ] === 0 ) {
		offset++;
	}
	if ( end === offset ) {
		return 0;
	}
	return Number.parseInt( raw.toString( 'latin1', offset, end ), 8 );
}

function checksum( block: Buffer ): number {
	let sum = 8 * 0x20;
	for ( let i = 0; i < 148; i++ ) {
		sum += block[ i ] ?? 0;
	}
	for ( let i = 156; i < BLOCK; i++ ) {
		sum += block[ i ] ?? 0;
	}
	return sum;
}

interface RawHeader {
	name: string;
	type: TarEntryType | LongHeaderType | null;
	size: number;
	linkname: string | null;
}

/** One header block, or null for a zero block. */
function decodeHeader( block: Buffer ): RawHeader | null {
	const sum = checksum( block );
	if ( sum === 8 * 0x20 ) {
		return null;
	}
	if ( sum !== octal( block, 148, 8 ) ) {
		throw new Error(
			'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?'
		);
	}
	let name = text( block, 0, 100 );
	if ( block.subarray( 257, 263 ).equals( USTAR_MAGIC ) ) {
		if ( block[ 345 ] ) {
			name = `${ text( block, 345, 155 ) }/${ name }`;
		}
	} else if (
		! block.subarray( 257, 263 ).equals( GNU_MAGIC ) ||
		! block.subarray( 263, 265 ).equals( GNU_VERSION )
	) {
		throw new Error( 'Invalid tar header: unknown format.' );
	}
	const flag = block[ 156 ] === 0 ? 0 : ( block[ 156 ] ?? 0 ) - 0x30;
	return {
		name,
		type: TYPES[ flag ] ?? null,
		size: octal( block, 124, 12 ) ?? Number.NaN,
		linkname: block[ 157 ] === 0 ? null : text( block, 157, 100 ),
	};
}

function decodePax( data: Buffer ): Record< string, string > {
	const records: Record< string, string > = {};
	let rest = data;
	while ( rest.length ) {
		let space = 0;
		while ( space < rest.length && rest[ space ] !== 0x20 ) {
			space++;
		}
		const length = Number.parseInt( rest.toString( 'utf8', 0, space ), 10 );
		if ( ! length ) {
			return records;
		}
		const record = rest.toString( 'utf8', space + 1, length - 1 );
		const equals = record.indexOf( '=' );
		if ( equals === -1 ) {
			return records;
		}
		records[ record.slice( 0, equals ) ] = record.slice( equals + 1 );
		rest = rest.subarray( length );
	}
	return records;
}

function padding( size: number ): number {
	const over = size % BLOCK;
	return over && BLOCK - over;
}

export class TarScanner {
	private readonly block = Buffer.alloc( BLOCK );
	private blockFill = 0;
	/** Bytes of the current entry still to come, and where they go. */
	private dataLeft = 0;
	private sink: TarEntrySink | undefined;
	/** Padding after an entry's data, skipped. */
	private skipLeft = 0;
	private long: { type: LongHeaderType; data: Buffer; fill: number } | null =
		null;
	private gnuLongPath: string | null = null;
	private gnuLongLinkPath: string | null = null;
	private pax: Record< string, string > | null = null;
	private paxGlobal: Record< string, string > | null = null;

	constructor( private readonly onEntry: TarEntryHandler ) {}

	/** Feeds the next bytes of the tar; done with `chunk` once it settles. */
	async push( chunk: Buffer ): Promise< void > {
		let offset = 0;
		while ( offset < chunk.length ) {
			const available = chunk.length - offset;
			if ( this.dataLeft > 0 ) {
				const length = Math.min( this.dataLeft, available );
				if ( this.sink ) {
					const writing = this.sink.write(
						chunk.subarray( offset, offset + length )
					);
					if ( writing ) {
						await writing;
					}
				}
				this.dataLeft -= length;
				offset += length;
				if ( this.dataLeft === 0 ) {
					await this.endEntry();
				}
			} else if ( this.skipLeft > 0 ) {
				const length = Math.min( this.skipLeft, available );
				this.skipLeft -= length;
				offset += length;
			} else if ( this.long ) {
				const long = this.long;
				const length = Math.min(
					long.data.length - long.fill,
					available
				);
				chunk.copy( long.data, long.fill, offset, offset + length );
				long.fill += length;
				offset += length;
				if ( long.fill === long.data.length ) {
					this.long = null;
					this.skipLeft = padding( long.data.length );
					this.applyLongHeader( long.type, long.data );
				}
			} else if ( this.blockFill === 0 && available >= BLOCK ) {
				// A whole header in the chunk is read where it lies.
				await this.header( chunk.subarray( offset, offset + BLOCK ) );
				offset += BLOCK;
			} else {
				const length = Math.min( BLOCK - this.blockFill, available );
				chunk.copy(
					this.block,
					this.blockFill,
					offset,
					offset + length
				);
				this.blockFill += length;
				offset += length;
				if ( this.blockFill === BLOCK ) {
					this.blockFill = 0;
					await this.header( this.block );
				}
			}
		}
	}

	/** The tar has ended: refuses an end inside a header or a file's bytes. */
	end(): void {
		if (
			this.dataLeft > 0 ||
			this.skipLeft > 0 ||
			this.long ||
			this.blockFill > 0
		) {
			throw new Error( 'Unexpected end of data' );
		}
	}

	private async endEntry(): Promise< void > {
		const sink = this.sink;
		this.sink = undefined;
		if ( sink ) {
			await sink.end();
		}
	}

	private async header( block: Buffer ): Promise< void > {
		const raw = decodeHeader( block );
		if ( ! raw ) {
			return;
		}
		if ( isLongHeader( raw.type ) ) {
			if ( ! ( raw.size >= 0 ) ) {
				throw new Error( 'Invalid header' );
			}
			if ( raw.size > MAX_LONG_HEADER_BYTES ) {
				throw new Error( 'Header exceeds max size' );
			}
			const long = {
				type: raw.type,
				data: Buffer.alloc( raw.size ),
				fill: 0,
			};
			if ( raw.size === 0 ) {
				this.applyLongHeader( long.type, long.data );
			} else {
				this.long = long;
			}
			return;
		}
		const header = {
			name: raw.name,
			type: raw.type,
			size: raw.size,
			linkname: raw.linkname,
		};
		if ( this.gnuLongPath ) {
			header.name = this.gnuLongPath;
			this.gnuLongPath = null;
		}
		if ( this.gnuLongLinkPath ) {
			header.linkname = this.gnuLongLinkPath;
			this.gnuLongLinkPath = null;
		}
		if ( this.pax ) {
			if ( this.pax.path ) {
				header.name = this.pax.path;
			}
			if ( this.pax.linkpath ) {
				header.linkname = this.pax.linkpath;
			}
			if ( this.pax.size ) {
				header.size = Number.parseInt( this.pax.size, 10 );
			}
			this.pax = null;
		}
		if ( ! ( header.size >= 0 ) ) {
			throw new Error( 'Invalid header' );
		}
		if (
			header.linkname === null &&
			( header.type === 'link' || header.type === 'symlink' )
		) {
			throw new Error( 'Invalid tar header: a link without a target' );
		}
		this.sink = this.onEntry( {
			...header,
			linkname: header.linkname ?? '',
		} );
		// As tar-stream does, a directory's size is not skipped: the next block is a header.
		if ( header.size === 0 || header.type === 'directory' ) {
			await this.endEntry();
			return;
		}
		this.dataLeft = header.size;
		this.skipLeft = padding( header.size );
	}

	private applyLongHeader( type: LongHeaderType, data: Buffer ): void {
		switch ( type ) {
			case 'gnu-long-path':
				this.gnuLongPath = text( data, 0, data.length );
				break;
			case 'gnu-long-link-path':
				this.gnuLongLinkPath = text( data, 0, data.length );
				break;
			case 'pax-global-header':
				this.paxGlobal = decodePax( data );
				break;
			case 'pax-header':
				this.pax = { ...this.paxGlobal, ...decodePax( data ) };
				break;
		}
	}
}
