import { createHash, type Hash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';

import { normalizeEntryName, resolveLinkTarget } from './entry-paths.js';
import { ImageValidationError } from './errors.js';
import type { ArchiveLimits } from './limits.js';
import { TarScanner, type TarHeader } from './tar-scanner.js';

/** What the bytes of a file in the archive turned out to be. */
export type BlobContent = 'gzip' | 'tar' | 'json' | 'other';

/** Everything kept about one file of the outer archive after it has streamed past. */
export interface BlobRecord {
	name: string;
	size: number;
	/** sha256 of the stored bytes, "sha256:<hex>". */
	digest: string;
	content: BlobContent;
	/** sha256 of the uncompressed tar, when the bytes are a (possibly gzip-compressed) tar. */
	diffId?: string;
	/** First reason the bytes are not an acceptable layer; only raised if a manifest uses it as one. */
	layerProblem?: ImageValidationError;
	/** The bytes, for small JSON documents only (manifests, configs, indexes). */
	json?: Buffer;
}

const SNIFF_BYTES = 512;
const TAR_BLOCK = 512;
/** Decompressed bytes per chunk: zlib's default 16 KiB makes four times the stream hops behind it. */
const INFLATE_CHUNK_BYTES = 128 * 1024;

function sha256( hash: Hash ): string {
	return `sha256:${ hash.digest( 'hex' ) }`;
}

function sniff( head: Buffer, retainJson: boolean ): BlobContent {
	if ( head.length >= 2 && head[ 0 ] === 0x1f && head[ 1 ] === 0x8b ) {
		return 'gzip';
	}
	// Tar before JSON: a layer whose first file name starts with "{" is still a layer.
	if ( head.length >= TAR_BLOCK ) {
		const ustar = head.toString( 'latin1', 257, 262 ) === 'ustar';
		// An empty layer is just the end-of-archive zero blocks.
		const zeroBlock = head
			.subarray( 0, TAR_BLOCK )
			.every( ( byte ) => byte === 0 );
		if ( ustar || zeroBlock ) {
			return 'tar';
		}
	}
	const firstChar = head.toString( 'latin1' ).trimStart()[ 0 ];
	if ( retainJson && ( firstChar === '{' || firstChar === '[' ) ) {
		return 'json';
	}
	return 'other';
}

/**
 * Walks the file tree of one layer as its bytes arrive: decompresses gzip,
 * hashes the uncompressed tar (the diff_id), stops at the decompressed-size
 * limit and checks every entry name, link and file type. Nothing is kept but
 * counters and the hash; the bytes of an uncompressed layer are only looked at,
 * never copied.
 */
class LayerWalker {
	/** Only a compressed layer needs a second hash: an uncompressed one's diff_id is its digest. */
	private readonly diffHash: Hash | undefined;
	private readonly scanner: TarScanner;
	private readonly gunzip: Gunzip | undefined;
	private readonly inflated: Promise< void > | undefined;
	private uncompressedBytes = 0;
	private entries = 0;
	private problem: ImageValidationError | undefined;

	constructor(
		private readonly where: string,
		compressed: boolean,
		private readonly limits: ArchiveLimits
	) {
		this.scanner = new TarScanner( ( header ) => {
			this.checkEntry( header );
			return undefined;
		} );
		if ( ! compressed ) {
			this.diffHash = undefined;
			return;
		}
		this.diffHash = createHash( 'sha256' );
		this.gunzip = createGunzip( { chunkSize: INFLATE_CHUNK_BYTES } );
		const walking = new Writable( {
			write: ( chunk: Buffer, _encoding, callback ) => {
				this.walk( chunk ).then( () => callback(), callback );
			},
		} );
		this.inflated = pipeline( this.gunzip, walking ).catch(
			( error: unknown ) => {
				const zlibError =
					typeof error === 'object' &&
					error !== null &&
					'errno' in error;
				this.fail(
					zlibError
						? new ImageValidationError(
								'LAYER_GZIP_CORRUPT',
								`${ this.where } is not valid gzip data (${ reason( error ) }). Re-export the image.`
							)
						: this.tarProblem( error )
				);
			}
		);
	}

	private tarProblem( error: unknown ): ImageValidationError {
		return error instanceof ImageValidationError
			? error
			: new ImageValidationError(
					'LAYER_TAR_INVALID',
					`${ this.where } is not a valid tar stream (${ reason( error ) }). Re-export the image.`
				);
	}

	private fail( problem: ImageValidationError ): void {
		this.problem ??= problem;
		this.gunzip?.destroy();
	}

	/** Uncompressed tar bytes: counted against the limit, hashed if decompressed, walked. */
	private async walk( chunk: Buffer ): Promise< void > {
		this.uncompressedBytes += chunk.length;
		if ( this.uncompressedBytes > this.limits.maxLayerUncompressedBytes ) {
			throw new ImageValidationError(
				'LAYER_DECOMPRESSED_TOO_LARGE',
				`${ this.where } expands to more than ${ this.limits.maxLayerUncompressedBytes } bytes when decompressed (a gzip bomb or an oversized layer). Split or slim the layer.`
			);
		}
		this.diffHash?.update( chunk );
		await this.scanner.push( chunk );
	}

	private checkEntry( header: TarHeader ): void {
		this.entries += 1;
		if ( this.entries > this.limits.maxLayerEntries ) {
			throw new ImageValidationError(
				'LAYER_TOO_MANY_ENTRIES',
				`${ this.where } holds more than ${ this.limits.maxLayerEntries } files. Slim the image.`
			);
		}
		const name = normalizeEntryName(
			header.name,
			'LAYER',
			this.where,
			this.limits.maxNameLength
		);
		if ( header.type === 'symlink' || header.type === 'link' ) {
			resolveLinkTarget(
				name,
				header.linkname,
				header.type,
				'LAYER',
				this.where
			);
		} else if (
			header.type === 'character-device' ||
			header.type === 'block-device'
		) {
			throw new ImageValidationError(
				'LAYER_DEVICE_FILE',
				`${ this.where } contains the device file "${ header.name }". Images must not carry device nodes; the container runtime provides /dev. Remove it from the image.`
			);
		}
	}

	/** Feeds stored bytes, waiting while the decompressor is behind; done with `chunk` on return. */
	async write( chunk: Buffer ): Promise< void > {
		if ( this.problem ) {
			return;
		}
		const gunzip = this.gunzip;
		if ( ! gunzip ) {
			try {
				await this.walk( chunk );
			} catch ( error ) {
				this.fail( this.tarProblem( error ) );
			}
			return;
		}
		if ( gunzip.destroyed ) {
			return;
		}
		// zlib reads its input later, on its own thread; the chunk is reused by then.
		if ( ! gunzip.write( Buffer.from( chunk ) ) ) {
			await new Promise< void >( ( resolve ) => {
				const done = () => {
					gunzip.off( 'drain', done );
					gunzip.off( 'close', done );
					resolve();
				};
				gunzip.on( 'drain', done );
				gunzip.on( 'close', done );
			} );
		}
	}

	async end(): Promise< {
		diffId?: string;
		problem?: ImageValidationError;
	} > {
		if ( this.gunzip && ! this.gunzip.destroyed ) {
			this.gunzip.end();
		}
		await this.inflated;
		if ( ! this.problem ) {
			// Go's archive/tar (and so umoci and containerd) accepts a layer that ends without
			// block padding or the end-of-archive marker; supply them before asking for the end.
			const padding =
				( TAR_BLOCK - ( this.uncompressedBytes % TAR_BLOCK ) ) %
				TAR_BLOCK;
			try {
				await this.scanner.push(
					Buffer.alloc( padding + 2 * TAR_BLOCK )
				);
				this.scanner.end();
			} catch ( error ) {
				this.fail( this.tarProblem( error ) );
			}
		}
		if ( this.problem ) {
			return { problem: this.problem };
		}
		return this.diffHash ? { diffId: sha256( this.diffHash ) } : {};
	}
}

function reason( error: unknown ): string {
	return error instanceof Error ? error.message : String( error );
}

/**
 * Reads one file of the outer archive exactly once: hashes it, and depending
 * on what its first bytes are, keeps it (small JSON) or walks it as a layer.
 * Which files are layers is only known once the manifest has been read, and
 * the manifest may come last, so every tar-looking file is walked.
 * Each chunk written is done with when `write` returns or settles.
 */
export class BlobInspector {
	private readonly storedHash = createHash( 'sha256' );
	private head: Buffer[] = [];
	private headLength = 0;
	private content: BlobContent | undefined;
	private walker: LayerWalker | undefined;
	private readonly kept: Buffer[] = [];

	/**
	 * @param name       normalized entry name
	 * @param size       size from the tar header
	 * @param retainJson whether this file may be kept in memory if it is JSON
	 * @param limits     archive limits
	 */
	constructor(
		private readonly name: string,
		private readonly size: number,
		private readonly retainJson: boolean,
		private readonly limits: ArchiveLimits
	) {}

	write( chunk: Buffer ): void | Promise< void > {
		this.storedHash.update( chunk );
		if ( this.content === undefined ) {
			if ( this.headLength === 0 && chunk.length >= SNIFF_BYTES ) {
				return this.decide( chunk );
			}
			this.head.push( Buffer.from( chunk ) );
			this.headLength += chunk.length;
			if ( this.headLength >= SNIFF_BYTES ) {
				return this.decide( Buffer.concat( this.head ) );
			}
			return;
		}
		if ( this.walker ) {
			return this.walker.write( chunk );
		}
		if ( this.content === 'json' ) {
			this.kept.push( Buffer.from( chunk ) );
		}
	}

	private decide( start: Buffer ): void | Promise< void > {
		this.head = [];
		this.content = sniff( start, this.retainJson );
		if ( this.content === 'gzip' || this.content === 'tar' ) {
			this.walker = new LayerWalker(
				`layer "${ this.name }"`,
				this.content === 'gzip',
				this.limits
			);
			return this.walker.write( start );
		}
		if ( this.content === 'json' ) {
			this.kept.push( Buffer.from( start ) );
		}
	}

	/** What the file turned out to be, once all its bytes have been written. */
	async end(): Promise< BlobRecord > {
		if ( this.content === undefined ) {
			await this.decide( Buffer.concat( this.head ) );
		}
		const record: BlobRecord = {
			name: this.name,
			size: this.size,
			digest: sha256( this.storedHash ),
			content: this.content ?? 'other',
		};
		if ( this.walker ) {
			const { diffId, problem } = await this.walker.end();
			if ( problem ) {
				record.layerProblem = problem;
			} else {
				record.diffId = diffId ?? record.digest;
			}
		}
		if ( this.content === 'json' ) {
			record.json = Buffer.concat( this.kept );
		}
		return record;
	}
}
