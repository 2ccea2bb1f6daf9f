import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DocumentStore } from '../adapters/dynamo.js';
import { HttpError } from './errors.js';
import {
	MAX_CLOCK_SKEW_SECONDS,
	SignatureError,
	verifySignature,
} from '../signing/signature.js';

declare module 'fastify' {
	interface FastifyRequest {
		rawBody?: Buffer;
	}
}

/** Enough for a completion listing 10000 parts with their ETags. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * Makes every route of `scope` require the signed-request headers: the HMAC
 * over the raw body, the clock skew, and a request id never seen before by
 * any replica (a conditional put into the request-ids table).
 */
export function requireSignedRequests(
	scope: FastifyInstance,
	options: { secret: string; store: DocumentStore; requestIdsTable: string }
) {
	// Only JSON: a body of any other type would reach a handler unparsed and unsigned
	// (the HMAC covers rawBody, which only this parser sets).
	scope.removeAllContentTypeParsers();
	scope.addHook( 'onRequest', async ( request ) => {
		const hasBody =
			Number( request.headers[ 'content-length' ] ?? 0 ) > 0 ||
			request.headers[ 'transfer-encoding' ] !== undefined;
		const mediaType = ( request.headers[ 'content-type' ] ?? '' )
			.split( ';' )[ 0 ]!
			.trim()
			.toLowerCase();
		if ( hasBody && mediaType !== 'application/json' ) {
			throw new HttpError(
				415,
				'orbit_unsupported_media_type',
				`Signed requests carry JSON bodies only (Content-Type: application/json), not ${
					mediaType || 'an untyped body'
				}.`
			);
		}
	} );
	scope.addContentTypeParser(
		'application/json',
		{ parseAs: 'buffer', bodyLimit: MAX_JSON_BODY_BYTES },
		( request: FastifyRequest, body: Buffer, done ) => {
			request.rawBody = body;
			if ( body.length === 0 ) {
				done( null, undefined );
				return;
			}
			try {
				done( null, JSON.parse( body.toString( 'utf8' ) ) );
			} catch {
				const error = new Error(
					'The body is not valid JSON.'
				) as Error & {
					statusCode: number;
					code: string;
				};
				error.statusCode = 400;
				error.code = 'INVALID_JSON';
				done( error, undefined );
			}
		}
	);

	scope.addHook( 'preValidation', async ( request ) => {
		const { requestId, timestamp } = verifySignature( options.secret, {
			method: request.method,
			path: request.url,
			headers: request.headers,
			body: request.rawBody ?? '',
		} );
		const first = await options.store.putIfAbsent(
			options.requestIdsTable,
			{ requestId, expiresAt: timestamp + 2 * MAX_CLOCK_SKEW_SECONDS },
			'requestId'
		);
		if ( ! first ) {
			throw new SignatureError(
				'orbit_signature_replayed',
				'This X-Orbit-Request-Id was already used; send each request with a fresh id.'
			);
		}
	} );
}
