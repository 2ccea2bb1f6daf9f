/** Bounds on what an uploaded image archive may contain; each one guards memory, disk or time. */
export interface ArchiveLimits {
	/** Entries in the outer archive (files, directories, links). */
	maxEntries: number;
	/** Sum of the sizes of all files in the outer archive. */
	maxTotalBytes: number;
	/** Length of any entry name, outer or inside a layer. */
	maxNameLength: number;
	/** manifest.json (docker-archive) or an image manifest blob (OCI). */
	maxManifestBytes: number;
	/** The image configuration blob. */
	maxConfigBytes: number;
	/** index.json or a nested image index. */
	maxIndexBytes: number;
	/** Small JSON documents kept in memory until the archive has been read to its end. */
	maxRetainedJsonBytes: number;
	/** Layers of the chosen image. */
	maxLayers: number;
	/** Bytes after decompressing one gzip layer: the guard against gzip bombs. */
	maxLayerUncompressedBytes: number;
	/** Entries inside one layer. */
	maxLayerEntries: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_ARCHIVE_LIMITS: Readonly< ArchiveLimits > = Object.freeze(
	{
		maxEntries: 10_000,
		maxTotalBytes: 4 * GiB,
		maxNameLength: 4096,
		maxManifestBytes: 4 * MiB,
		maxConfigBytes: 4 * MiB,
		maxIndexBytes: 4 * MiB,
		maxRetainedJsonBytes: 64 * MiB,
		maxLayers: 127,
		maxLayerUncompressedBytes: 16 * GiB,
		maxLayerEntries: 1_000_000,
	}
);

export function resolveLimits(
	overrides: Partial< ArchiveLimits > = {}
): ArchiveLimits {
	const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS };
	for ( const [ key, value ] of Object.entries( overrides ) ) {
		if ( value === undefined ) {
			continue;
		}
		if ( ! ( key in DEFAULT_ARCHIVE_LIMITS ) ) {
			throw new TypeError( `Unknown archive limit "${ key }".` );
		}
		if ( ! Number.isSafeInteger( value ) || value <= 0 ) {
			throw new TypeError(
				`Archive limit ${ key } must be a positive integer, got ${ String( value ) }.`
			);
		}
		limits[ key as keyof ArchiveLimits ] = value;
	}
	return limits;
}

/**
 * Bytes per read when validating a file, into one buffer reused for every read: large enough
 * that the per-read cost (a syscall, a trip through the tar parser) vanishes, small enough to
 * stay in the CPU's cache while the hash reads it.
 */
export const ARCHIVE_READ_CHUNK_BYTES = 1024 * 1024;
