import {
	createHash,
	createHmac,
	randomUUID,
	timingSafeEqual,
} from 'node:crypto';

/** How far a signed request's timestamp may be from the receiver's clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export const HEADER_TIMESTAMP = 'x-orbit-timestamp';
export const HEADER_REQUEST_ID = 'x-orbit-request-id';
export const HEADER_SIGNATURE = 'x-orbit-signature';

export interface SignatureInput {
	method: string;
	/** plugin→bridge: URL path with query; bridge→plugin: the REST route. */
	path: string;
	timestamp: string;
	requestId: string;
	body: Buffer | string;
}

export function canonicalString( input: SignatureInput ): string {
	const bodyHash = createHash( 'sha256' )
		.update( input.body )
		.digest( 'hex' );
	return [
		input.method.toUpperCase(),
		input.path,
		input.timestamp,
		input.requestId,
		bodyHash,
	].join( '\n' );
}

export function computeSignature(
	secret: string,
	input: SignatureInput
): string {
	return (
		'v1=' +
		createHmac( 'sha256', secret )
			.update( canonicalString( input ) )
			.digest( 'hex' )
	);
}

/** Headers for a request this side sends over the signed link. */
export function signRequest(
	secret: string,
	request: { method: string; path: string; body?: Buffer | string },
	now: Date = new Date()
): Record< string, string > {
	const timestamp = String( Math.floor( now.getTime() / 1000 ) );
	const requestId = randomUUID();
	return {
		'X-Orbit-Timestamp': timestamp,
		'X-Orbit-Request-Id': requestId,
		'X-Orbit-Signature': computeSignature( secret, {
			method: request.method,
			path: request.path,
			timestamp,
			requestId,
			body: request.body ?? '',
		} ),
	};
}

export type SignatureFailure =
	| 'orbit_signature_missing'
	| 'orbit_signature_stale'
	| 'orbit_signature_invalid'
	| 'orbit_signature_replayed';

export class SignatureError extends Error {
	readonly code: SignatureFailure;

	constructor( code: SignatureFailure, message: string ) {
		super( message );
		this.name = 'SignatureError';
		this.code = code;
	}
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,128}$/;

/**
 * Checks headers, clock skew and the HMAC of a received request. The
 * once-only check of the request id is the caller's (it needs shared state).
 * Returns the request id and its timestamp in seconds.
 */
export function verifySignature(
	secret: string,
	request: {
		method: string;
		path: string;
		headers: Record< string, string | string[] | undefined >;
		body: Buffer | string;
	},
	now: Date = new Date()
): { requestId: string; timestamp: number } {
	const header = ( name: string ): string | undefined => {
		const value = request.headers[ name ];
		return Array.isArray( value ) ? value[ 0 ] : value;
	};
	const timestamp = header( HEADER_TIMESTAMP );
	const requestId = header( HEADER_REQUEST_ID );
	const signature = header( HEADER_SIGNATURE );
	const missing = [
		[ 'X-Orbit-Timestamp', timestamp ],
		[ 'X-Orbit-Request-Id', requestId ],
		[ 'X-Orbit-Signature', signature ],
	]
		.filter( ( [ , value ] ) => ! value )
		.map( ( [ name ] ) => name );
	if ( missing.length > 0 || ! timestamp || ! requestId || ! signature ) {
		throw new SignatureError(
			'orbit_signature_missing',
			`The request lacks the signing header(s) ${ missing.join( ', ' ) }.`
		);
	}
	if ( ! /^\d{1,12}$/.test( timestamp ) ) {
		throw new SignatureError(
			'orbit_signature_stale',
			'X-Orbit-Timestamp must be Unix time in whole seconds.'
		);
	}
	const seconds = Number( timestamp );
	const skew = Math.abs( now.getTime() / 1000 - seconds );
	if ( skew > MAX_CLOCK_SKEW_SECONDS ) {
		throw new SignatureError(
			'orbit_signature_stale',
			`X-Orbit-Timestamp is ${ Math.round( skew ) } s away from the bridge clock (at most ${ MAX_CLOCK_SKEW_SECONDS } s allowed); check both clocks.`
		);
	}
	if ( ! REQUEST_ID_PATTERN.test( requestId ) ) {
		throw new SignatureError(
			'orbit_signature_invalid',
			'X-Orbit-Request-Id must be a UUID.'
		);
	}
	const expected = Buffer.from(
		computeSignature( secret, {
			method: request.method,
			path: request.path,
			timestamp,
			requestId,
			body: request.body,
		} )
	);
	const given = Buffer.from( signature );
	if (
		expected.length !== given.length ||
		! timingSafeEqual( expected, given )
	) {
		throw new SignatureError(
			'orbit_signature_invalid',
			'X-Orbit-Signature does not match; check that both sides use the same shared secret.'
		);
	}
	return { requestId, timestamp: seconds };
}
