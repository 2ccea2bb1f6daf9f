import { createHash, randomUUID } from 'node:crypto';

/** A stable UUID-shaped id for an idempotency key. */
function idFromKey( key: string ): string {
	const hex = createHash( 'sha256' ).update( key ).digest( 'hex' );
	return `${ hex.slice( 0, 8 ) }-${ hex.slice( 8, 12 ) }-5${ hex.slice( 13, 16 ) }-a${ hex.slice(
		17,
		20
	) }-${ hex.slice( 20, 32 ) }`;
}

/**
 * The id of the job a request starts: derived from its Idempotency-Key
 * (the same key for the same kind, app and environment names the same job),
 * or a fresh one when the request has no usable key.
 */
export function jobIdFor(
	kind: string,
	app: string,
	environment: string,
	key: string | string[] | undefined
): string {
	return typeof key === 'string' && key.length > 0 && key.length <= 200
		? idFromKey( `${ kind }:${ app }:${ environment }:${ key }` )
		: randomUUID();
}
