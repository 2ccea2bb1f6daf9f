import { BlobInspector, type BlobRecord } from './blob-inspector.js';
import { normalizeEntryName, resolveLinkTarget } from './entry-paths.js';
import { ImageValidationError } from './errors.js';
import type { Descriptor } from './image-documents.js';
import type { ArchiveLimits } from './limits.js';
import { TarScanner, type TarEntrySink } from './tar-scanner.js';

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const BLOB_PATH = /^blobs\/sha256\/([a-f0-9]{64})$/;
const DOCKER_CONTENT_NAME = /^([a-f0-9]{64})\.(?:json|tar)$/;
const MAX_LINK_HOPS = 8;

/** Everything read from the archive in its single pass. */
export interface ArchiveContents {
	files: Map< string, BlobRecord >;
	links: Map< string, string >;
}

/** Reads the archive in one pass: each file's digest and facts, and its links. */
export async function readArchive(
	chunks: AsyncIterable< Buffer >,
	limits: ArchiveLimits
): Promise< ArchiveContents > {
	const files = new Map< string, BlobRecord >();
	const links = new Map< string, string >();
	const seen = new Set< string >();
	let firstBytes: Buffer | undefined;
	let entryCount = 0;
	let totalBytes = 0;
	let retainedJsonBytes = 0;
	const maxDocumentBytes = Math.max(
		limits.maxManifestBytes,
		limits.maxConfigBytes,
		limits.maxIndexBytes
	);

	const inspect = ( name: string, size: number ): TarEntrySink => {
		const inspector = new BlobInspector(
			name,
			size,
			size <= maxDocumentBytes,
			limits
		);
		return {
			write: ( bytes ) => inspector.write( bytes ),
			end: async () => {
				const record = await inspector.end();
				retainedJsonBytes += record.json?.length ?? 0;
				if ( retainedJsonBytes > limits.maxRetainedJsonBytes ) {
					throw new ImageValidationError(
						'ARCHIVE_METADATA_TOO_LARGE',
						`The archive's JSON documents add up to more than ${ limits.maxRetainedJsonBytes } bytes. This is not a normal image archive; re-export it.`
					);
				}
				files.set( name, record );
			},
		};
	};

	const scanner = new TarScanner( ( header ) => {
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
				return undefined;
			case 'file':
			case 'contiguous-file':
				totalBytes += header.size;
				if ( totalBytes > limits.maxTotalBytes ) {
					throw new ImageValidationError(
						'ARCHIVE_TOO_LARGE',
						`The archive's files add up to more than ${ limits.maxTotalBytes } bytes, the largest image accepted. Slim the image.`
					);
				}
				return inspect( name, header.size );
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
				return undefined;
			default:
				throw new ImageValidationError(
					'ARCHIVE_SPECIAL_FILE',
					`The archive contains "${ name }", a ${ header.type ?? 'special' } entry. Image archives hold only files, directories and links; re-create it.`
				);
		}
	} );

	try {
		for await ( const chunk of chunks ) {
			if ( firstBytes === undefined && chunk.length > 0 ) {
				firstBytes = Buffer.from( chunk.subarray( 0, 2 ) );
			}
			await scanner.push( chunk );
		}
		scanner.end();
	} catch ( failure ) {
		if ( failure instanceof ImageValidationError ) {
			throw failure;
		}
		if ( firstBytes?.[ 0 ] === 0x1f && firstBytes[ 1 ] === 0x8b ) {
			throw new ImageValidationError(
				'ARCHIVE_COMPRESSED',
				'The archive is gzip-compressed. Upload the plain tar (gunzip it first, or use the output of docker save / skopeo copy directly).'
			);
		}
		// A source that cannot be read (a missing file, a broken download) is not a bad archive.
		if ( failure instanceof Error && 'syscall' in failure ) {
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
export class ArchiveIndex {
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
