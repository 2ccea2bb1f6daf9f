import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar, { type Extract, type Header } from 'tar-stream';

import { normalizeEntryName, resolveLinkTarget } from './entry-paths.js';
import { ImageValidationError } from './errors.js';
import type { ArchiveLimits } from './limits.js';

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
 * counters and the hash.
 */
class LayerWalker {
	/** The first stage: the decompressor, or the meter itself for an uncompressed layer. */
	private readonly input: Writable;
	/** Only a compressed layer needs a second hash: an uncompressed one's diff_id is its digest. */
	private readonly diffHash: Hash | undefined;
	private uncompressedBytes = 0;
	private problem: ImageValidationError | undefined;
	private readonly finished: Promise< unknown >;

	constructor(
		private readonly where: string,
		compressed: boolean,
		private readonly limits: ArchiveLimits
	) {
		this.diffHash = compressed ? createHash( 'sha256' ) : undefined;
		const extract = tar.extract();
		const meter = new Transform( {
			transform: (
				chunk: Buffer,
				_encoding,
				callback: TransformCallback
			) => {
				this.uncompressedBytes += chunk.length;
				if (
					this.uncompressedBytes > limits.maxLayerUncompressedBytes
				) {
					callback(
						this.fail(
							new ImageValidationError(
								'LAYER_DECOMPRESSED_TOO_LARGE',
								`${ this.where } expands to more than ${ limits.maxLayerUncompressedBytes } bytes when decompressed (a gzip bomb or an oversized layer). Split or slim the layer.`
							)
						)
					);
					return;
				}
				this.diffHash?.update( chunk );
				callback( null, chunk );
			},
			// Go's archive/tar (and so umoci and containerd) accepts a layer that ends without
			// block padding or the end-of-archive marker; tar-stream does not, so supply them.
			flush: ( callback: TransformCallback ) => {
				const padding =
					( TAR_BLOCK - ( this.uncompressedBytes % TAR_BLOCK ) ) %
					TAR_BLOCK;
				callback( null, Buffer.alloc( padding + 2 * TAR_BLOCK ) );
			},
		} );
		const stages = compressed
			? [
					createGunzip( { chunkSize: INFLATE_CHUNK_BYTES } ),
					meter,
					extract,
				]
			: [ meter, extract ];
		this.input = stages[ 0 ] as Writable;
		const piped = pipeline( stages ).catch( ( error: unknown ) => {
			const zlibError =
				typeof error === 'object' && error !== null && 'errno' in error;
			const reason =
				error instanceof Error ? error.message : String( error );
			this.fail(
				zlibError
					? new ImageValidationError(
							'LAYER_GZIP_CORRUPT',
							`${ this.where } is not valid gzip data (${ reason }). Re-export the image.`
						)
					: new ImageValidationError(
							'LAYER_TAR_INVALID',
							`${ this.where } is not a valid tar stream (${ reason }). Re-export the image.`
						)
			);
		} );
		this.finished = Promise.all( [ piped, this.walk( extract ) ] );
	}

	private fail( problem: ImageValidationError ): ImageValidationError {
		this.problem ??= problem;
		this.input.destroy( problem );
		return problem;
	}

	private async walk( extract: Extract ): Promise< void > {
		let entries = 0;
		try {
			for await ( const entry of extract ) {
				entries += 1;
				if ( entries > this.limits.maxLayerEntries ) {
					throw new ImageValidationError(
						'LAYER_TOO_MANY_ENTRIES',
						`${ this.where } holds more than ${ this.limits.maxLayerEntries } files. Slim the image.`
					);
				}
				this.checkEntry( entry.header );
				entry.resume();
			}
		} catch ( error ) {
			if ( error instanceof ImageValidationError ) {
				this.fail( error );
			}
			// Anything else is the stream failing; the pipeline reports it with its cause.
		}
	}

	private checkEntry( header: Header ): void {
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

	/** Feeds stored bytes, waiting while the decompressor or walker are behind. */
	async write( chunk: Buffer ): Promise< void > {
		if ( this.problem || this.input.destroyed ) {
			return;
		}
		if ( ! this.input.write( chunk ) ) {
			await new Promise< void >( ( resolve ) => {
				const done = () => {
					this.input.off( 'drain', done );
					this.input.off( 'close', done );
					resolve();
				};
				this.input.on( 'drain', done );
				this.input.on( 'close', done );
			} );
		}
	}

	async end(): Promise< {
		diffId?: string;
		problem?: ImageValidationError;
	} > {
		if ( ! this.input.destroyed ) {
			this.input.end();
		}
		await this.finished;
		if ( this.problem ) {
			return { problem: this.problem };
		}
		return this.diffHash ? { diffId: sha256( this.diffHash ) } : {};
	}
}

/**
 * Reads one file of the outer archive exactly once: hashes it, and depending
 * on what its first bytes are, keeps it (small JSON) or walks it as a layer.
 * Which files are layers is only known once the manifest has been read, and
 * the manifest may come last, so every tar-looking file is walked.
 *
 * @param chunks     the entry's bytes
 * @param name       normalized entry name
 * @param size       size from the tar header
 * @param retainJson whether this file may be kept in memory if it is JSON
 * @param limits     archive limits
 */
export async function inspectBlob(
	chunks: AsyncIterable< Buffer >,
	name: string,
	size: number,
	retainJson: boolean,
	limits: ArchiveLimits
): Promise< BlobRecord > {
	const storedHash = createHash( 'sha256' );
	const where = `layer "${ name }"`;
	let head: Buffer[] = [];
	let headLength = 0;
	let content: BlobContent | undefined;
	let walker: LayerWalker | undefined;
	const kept: Buffer[] = [];

	const decide = async () => {
		const start = Buffer.concat( head );
		content = sniff( start, retainJson );
		if ( content === 'gzip' || content === 'tar' ) {
			walker = new LayerWalker( where, content === 'gzip', limits );
			await walker.write( start );
		} else if ( content === 'json' ) {
			kept.push( start );
		}
		head = [];
	};

	for await ( const chunk of chunks ) {
		storedHash.update( chunk );
		if ( content === undefined ) {
			head.push( chunk );
			headLength += chunk.length;
			if ( headLength >= SNIFF_BYTES ) {
				await decide();
			}
		} else if ( walker ) {
			await walker.write( chunk );
		} else if ( content === 'json' ) {
			kept.push( chunk );
		}
	}
	if ( content === undefined ) {
		await decide();
	}

	const record: BlobRecord = {
		name,
		size,
		digest: sha256( storedHash ),
		content: content ?? 'other',
	};
	if ( walker ) {
		const { diffId, problem } = await walker.end();
		if ( problem ) {
			record.layerProblem = problem;
		} else {
			record.diffId = diffId ?? record.digest;
		}
	}
	if ( content === 'json' ) {
		record.json = Buffer.concat( kept );
	}
	return record;
}
