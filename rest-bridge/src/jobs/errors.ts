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
