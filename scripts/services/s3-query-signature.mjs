/**
 * Checks presigned (query-string) AWS Signature V4 URLs as S3 does, which s3rver does not:
 * the signature over the method, path, query and every signed header (so a signed
 * Content-Length binds the body's length), and the expiry. Requests without a query
 * signature pass through unchanged.
 */
import crypto from 'node:crypto';

const hmac = ( key, text ) =>
	crypto.createHmac( 'sha256', key ).update( text ).digest();
const sha256 = ( text ) =>
	crypto.createHash( 'sha256' ).update( text ).digest( 'hex' );
/** RFC 3986 encoding, as Signature V4 canonicalizes query parameters. */
const encode = ( text ) =>
	encodeURIComponent( text ).replace(
		/[!'()*]/g,
		( c ) => `%${ c.charCodeAt( 0 ).toString( 16 ).toUpperCase() }`
	);

function refuse( ctx, code, message ) {
	ctx.status = 403;
	ctx.type = 'application/xml';
	ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${ code }</Code><Message>${ message }</Message></Error>`;
}

/**
 * @param {Record<string, string>} secrets Secret access key by access key id.
 * @return {Function} Koa middleware.
 */
export function querySignatureV4( secrets ) {
	return async ( ctx, next ) => {
		const url = new URL( ctx.req.url, 'http://s3.local' );
		const query = url.searchParams;
		// A browser's CORS preflight carries the URL but is no signed request: S3 answers it
		// from the bucket's CORS rules alone, else no browser could PUT a presigned part.
		if (
			ctx.req.method === 'OPTIONS' ||
			query.get( 'X-Amz-Algorithm' ) !== 'AWS4-HMAC-SHA256'
		) {
			return next();
		}
		const credential = ( query.get( 'X-Amz-Credential' ) ?? '' ).split(
			'/'
		);
		const secret = secrets[ credential[ 0 ] ];
		if ( ! secret ) {
			return refuse( ctx, 'InvalidAccessKeyId', 'Unknown access key.' );
		}
		const [ , date, region, service ] = credential;
		const amzDate = query.get( 'X-Amz-Date' ) ?? '';
		const issued = Date.parse(
			amzDate.replace(
				/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
				'$1-$2-$3T$4:$5:$6Z'
			)
		);
		const expires = Number( query.get( 'X-Amz-Expires' ) ?? 0 );
		if ( ! ( issued + expires * 1000 >= Date.now() ) ) {
			return refuse( ctx, 'AccessDenied', 'Request has expired.' );
		}
		const signedHeaders = (
			query.get( 'X-Amz-SignedHeaders' ) ?? ''
		).split( ';' );
		const canonicalQuery = [ ...query.entries() ]
			.filter( ( [ name ] ) => name !== 'X-Amz-Signature' )
			.map( ( [ name, value ] ) => [ encode( name ), encode( value ) ] )
			// Code-point order, as Signature V4 sorts (names are unique).
			.sort( ( [ a ], [ b ] ) => ( a < b ? -1 : 1 ) )
			.map( ( [ name, value ] ) => `${ name }=${ value }` )
			.join( '&' );
		const canonicalHeaders = signedHeaders
			.map(
				( name ) =>
					`${ name }:${ String( ctx.req.headers[ name ] ?? '' )
						.trim()
						.replace( /\s+/g, ' ' ) }\n`
			)
			.join( '' );
		const canonicalRequest = [
			ctx.req.method,
			url.pathname,
			canonicalQuery,
			canonicalHeaders,
			signedHeaders.join( ';' ),
			'UNSIGNED-PAYLOAD',
		].join( '\n' );
		const scope = `${ date }/${ region }/${ service }/aws4_request`;
		const stringToSign = [
			'AWS4-HMAC-SHA256',
			amzDate,
			scope,
			sha256( canonicalRequest ),
		].join( '\n' );
		const key = [ date, region, service, 'aws4_request' ].reduce(
			( current, part ) => hmac( current, part ),
			`AWS4${ secret }`
		);
		const expected = hmac( key, stringToSign ).toString( 'hex' );
		const given = query.get( 'X-Amz-Signature' ) ?? '';
		if (
			given.length !== expected.length ||
			! crypto.timingSafeEqual(
				Buffer.from( given ),
				Buffer.from( expected )
			)
		) {
			return refuse(
				ctx,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided.'
			);
		}
		return next();
	};
}
