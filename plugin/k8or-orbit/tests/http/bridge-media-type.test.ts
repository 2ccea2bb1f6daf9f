/**
 * The bridge's signed routes take JSON bodies only: a body of another type would reach a
 * handler while the signature covered an empty body. Against the running stack's bridge.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { call, loadStack, signedHeaders, type Stack } from './support';

let stack: Stack;

beforeAll( () => {
	stack = loadStack();
} );

describe( 'signed bridge routes', () => {
	it.each( [
		[ 'text/plain', '{"appName":"x","filename":"a.tar","size":1}' ],
		[ 'application/x-www-form-urlencoded', 'appName=x&filename=a.tar' ],
		[ 'application/octet-stream', 'raw bytes' ],
	] )(
		'answer 415 to a %s body signed as if empty, before any handler',
		async ( contentType, body ) => {
			const path = '/v1/uploads';
			const answer = await call( stack.bridge.url + path, {
				method: 'POST',
				headers: {
					'Content-Type': contentType,
					// The attack: the HMAC over an empty body, as the bridge used to check it.
					...signedHeaders( {
						secret: stack.bridge.secret,
						method: 'POST',
						path,
						body: '',
					} ),
				},
				body,
			} );
			expect( answer.status ).toBe( 415 );
			expect( answer.body.code ).toBe( 'orbit_unsupported_media_type' );
		}
	);

	it( 'still accept a signed JSON body and a signed request without one', async () => {
		const ping = await call( stack.bridge.url + '/v1/ping', {
			headers: signedHeaders( {
				secret: stack.bridge.secret,
				method: 'GET',
				path: '/v1/ping',
				body: '',
			} ),
		} );
		expect( ping.status ).toBe( 200 );

		const body = JSON.stringify( {
			appName: 'media-type-check',
			version: '1.0.0',
			filename: 'a.tar',
			size: 1,
			actor: { id: 1, login: 'admin' },
		} );
		const started = await call( stack.bridge.url + '/v1/uploads', {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json; charset=utf-8',
				...signedHeaders( {
					secret: stack.bridge.secret,
					method: 'POST',
					path: '/v1/uploads',
					body,
				} ),
			},
			body,
		} );
		expect( started.status ).toBe( 201 );
	} );
} );
