/**
 * A failure that retrying cannot fix (bad input, a rejected archive): the job
 * fails at once with this message, which tells a person what to do.
 */
export class PermanentJobError extends Error {
	readonly code: string;

	constructor( code: string, message: string ) {
		super( message );
		this.name = 'PermanentJobError';
		this.code = code;
	}
}

/**
 * The object store is out of disk (the one-machine S3 server answers InsufficientStorage,
 * naming the disk): retrying cannot help until someone frees space, so the job fails now.
 */
export function storageFullError(
	error: unknown
): PermanentJobError | undefined {
	if ( ( error as { name?: string } )?.name !== 'InsufficientStorage' ) {
		return undefined;
	}
	return new PermanentJobError(
		'storage_full',
		`The image could not be stored: ${ ( error as Error ).message }`
	);
}
