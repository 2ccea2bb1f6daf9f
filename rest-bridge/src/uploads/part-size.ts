const MiB = 1024 * 1024;

/** S3's multipart bounds: every part but the last at least 5 MiB, at most 5 GiB, at most 10000 parts. */
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;
/** Aim for about this many parts: few enough presigned URLs, small enough parts to retry. */
const TARGET_PARTS = 500;

export interface PartPlan {
	partSize: number;
	partCount: number;
}

/**
 * Chooses the part size for an upload of `size` bytes: whole MiB, within
 * S3's bounds, about TARGET_PARTS parts for large archives.
 */
export function planParts( size: number ): PartPlan {
	if ( ! Number.isSafeInteger( size ) || size <= 0 ) {
		throw new RangeError(
			`size must be a positive whole number of bytes, got ${ size }`
		);
	}
	const wanted = Math.ceil( size / TARGET_PARTS / MiB ) * MiB;
	const partSize = Math.min(
		MAX_PART_BYTES,
		Math.max( MIN_PART_BYTES, wanted )
	);
	const partCount = Math.ceil( size / partSize );
	if ( partCount > MAX_PARTS ) {
		throw new RangeError(
			`${ size } bytes need more than ${ MAX_PARTS } parts of ${ partSize } bytes`
		);
	}
	return { partSize, partCount };
}
