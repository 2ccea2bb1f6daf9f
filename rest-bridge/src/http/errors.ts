import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { ContractShapeError } from '../contract/schemas.js';
import { CursorError } from '../events/log.js';
import { SignatureError } from '../signing/signature.js';

/** An error the API answers with its own status and `{code, message}`. */
export class HttpError extends Error {
	constructor(
		readonly statusCode: number,
		readonly code: string,
		message: string
	) {
		super( message );
		this.name = 'HttpError';
	}
}

function describeZod( error: ZodError ): string {
	return error.issues
		.map(
			( issue ) =>
				`${ issue.path.length ? issue.path.join( '.' ) : 'body' }: ${ issue.message }`
		)
		.join( '; ' );
}

/** The one error handler: every failure leaves as `{code, message}`. */
export function errorHandler(
	error: FastifyError | Error,
	request: FastifyRequest,
	reply: FastifyReply
) {
	if ( error instanceof HttpError ) {
		return reply
			.code( error.statusCode )
			.send( { code: error.code, message: error.message } );
	}
	if ( error instanceof SignatureError ) {
		request.log.warn( { code: error.code }, 'signed request rejected' );
		return reply
			.code( 401 )
			.send( { code: error.code, message: error.message } );
	}
	if ( error instanceof ZodError ) {
		return reply.code( 400 ).send( {
			code: 'orbit_invalid_request',
			message: `Fix the request: ${ describeZod( error ) }`,
		} );
	}
	if ( error instanceof ContractShapeError ) {
		return reply.code( 400 ).send( {
			code: 'orbit_invalid_request',
			message: `Fix the request: ${ error.message }`,
		} );
	}
	if ( error instanceof CursorError ) {
		return reply
			.code( 400 )
			.send( { code: 'orbit_invalid_cursor', message: error.message } );
	}
	const status = ( error as FastifyError ).statusCode;
	if ( status && status >= 400 && status < 500 ) {
		return reply.code( status ).send( {
			code: `orbit_${ ( ( error as FastifyError ).code ?? 'bad_request' ).toLowerCase() }`,
			message: error.message,
		} );
	}
	request.log.error( { err: error }, 'request failed' );
	return reply.code( 500 ).send( {
		code: 'orbit_internal_error',
		message: `The bridge failed to handle the request; its log has the details under request id ${ request.id }.`,
	} );
}
