import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	canonicalString,
	computeSignature,
	signRequest,
	verifySignature,
} from '../../src/signing/signature.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const NOW = new Date( '2026-11-27T21:00:00Z' );
const TS = String( NOW.getTime() / 1000 );

function signed( body: string, overrides: Record< string, string > = {} ) {
	const headers = signRequest(
		SECRET,
		{ method: 'POST', path: '/v1/uploads', body },
		NOW
	);
	const lower = Object.fromEntries(
		Object.entries( { ...headers, ...overrides } ).map( ( [ k, v ] ) => [
			k.toLowerCase(),
			v,
		] )
	);
	return { method: 'POST', path: '/v1/uploads', headers: lower, body };
}

describe( 'the signed link', () => {
	it( 'signs the five canonical lines with HMAC-SHA256 (independent computation)', () => {
		const body = '{"appName":"hello-web"}';
		const input = {
			method: 'post',
			path: '/v1/uploads?x=1',
			timestamp: TS,
			requestId: 'r-123456789',
			body,
		};
		const canonical = [
			'POST',
			'/v1/uploads?x=1',
			TS,
			'r-123456789',
			createHash( 'sha256' ).update( body ).digest( 'hex' ),
		].join( '\n' );
		expect( canonicalString( input ) ).toBe( canonical );
		expect( computeSignature( SECRET, input ) ).toBe(
			'v1=' +
				createHmac( 'sha256', SECRET )
					.update( canonical )
					.digest( 'hex' )
		);
	} );

	it( 'hashes the empty string when there is no body', () => {
		expect(
			canonicalString( {
				method: 'GET',
				path: '/v1/ping',
				timestamp: TS,
				requestId: 'x',
				body: '',
			} )
		).toMatch(
			/\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855$/
		);
	} );

	it( 'accepts a request it signed and returns its id', () => {
		const request = signed( '{"a":1}' );
		const out = verifySignature( SECRET, request, NOW );
		expect( out.requestId ).toBe( request.headers[ 'x-orbit-request-id' ] );
		expect( out.timestamp ).toBe( Number( TS ) );
	} );

	it( 'rejects a tampered body, path, method or secret', () => {
		const request = signed( '{"a":1}' );
		const tampered = [
			{ ...request, body: '{"a":2}' },
			{ ...request, path: '/v1/uploads/x' },
			{ ...request, method: 'PUT' },
		];
		for ( const t of tampered ) {
			expect( () => verifySignature( SECRET, t, NOW ) ).toThrow(
				expect.objectContaining( { code: 'orbit_signature_invalid' } )
			);
		}
		expect( () => verifySignature( SECRET + 'x', request, NOW ) ).toThrow(
			expect.objectContaining( { code: 'orbit_signature_invalid' } )
		);
	} );

	it( 'rejects a signature of another length without throwing a raw error', () => {
		const request = signed( '', { 'X-Orbit-Signature': 'v1=abc' } );
		expect( () => verifySignature( SECRET, request, NOW ) ).toThrow(
			expect.objectContaining( { code: 'orbit_signature_invalid' } )
		);
	} );

	it( 'rejects timestamps more than 300 s away, either way', () => {
		const request = signed( '' );
		expect( () =>
			verifySignature(
				SECRET,
				request,
				new Date( NOW.getTime() + 301_000 )
			)
		).toThrow(
			expect.objectContaining( { code: 'orbit_signature_stale' } )
		);
		expect( () =>
			verifySignature(
				SECRET,
				request,
				new Date( NOW.getTime() - 301_000 )
			)
		).toThrow(
			expect.objectContaining( { code: 'orbit_signature_stale' } )
		);
		expect(
			verifySignature(
				SECRET,
				request,
				new Date( NOW.getTime() + 299_000 )
			).requestId
		).toBeTruthy();
	} );

	it( 'names each missing header', () => {
		const request = signed( '' );
		delete request.headers[ 'x-orbit-signature' ];
		delete request.headers[ 'x-orbit-timestamp' ];
		expect( () => verifySignature( SECRET, request, NOW ) ).toThrow(
			/X-Orbit-Timestamp, X-Orbit-Signature/
		);
	} );

	it( 'gives each request a fresh UUID', () => {
		const a = signRequest( SECRET, { method: 'GET', path: '/v1/ping' } );
		const b = signRequest( SECRET, { method: 'GET', path: '/v1/ping' } );
		expect( a[ 'X-Orbit-Request-Id' ] ).toMatch( /^[0-9a-f-]{36}$/ );
		expect( a[ 'X-Orbit-Request-Id' ] ).not.toBe(
			b[ 'X-Orbit-Request-Id' ]
		);
	} );
} );
