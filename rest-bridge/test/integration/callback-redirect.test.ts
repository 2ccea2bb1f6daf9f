/**
 * A WordPress (or whatever answers at ORBIT_WORDPRESS_URL) that redirects the callback must
 * not get the signed events delivered elsewhere: the bridge never follows a redirect, and
 * treats it as a refusal that resending cannot fix.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	CallbackRefusedError,
	WordPressCallback,
} from '../../src/adapters/wordpress.js';
import type { BridgeEvent } from '../../src/events/event.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const servers: Server[] = [];

async function listen(
	handler: Parameters< typeof createServer >[ 1 ]
): Promise< string > {
	const server = createServer( handler );
	servers.push( server );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	return `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }`;
}

const event: BridgeEvent = {
	jobId: '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60',
	seq: 1,
	name: 'upload-initiated',
	step: 'receive',
	outcome: 'started',
	appName: 'hello-web',
	environment: 'dev',
	actor: { id: 2, login: 'operator' },
	time: new Date().toISOString(),
	data: {},
};

let elsewhere: string;
const received: string[] = [];

beforeAll( async () => {
	elsewhere = await listen( ( request, response ) => {
		let body = '';
		request.on( 'data', ( chunk ) => ( body += chunk ) );
		request.on( 'end', () => {
			received.push( body );
			response.writeHead( 200, { 'Content-Type': 'application/json' } );
			response.end( '{"applied":1,"duplicates":0}' );
		} );
	} );
} );

afterAll( () => {
	for ( const server of servers ) {
		server.close();
	}
} );

describe( 'callbacks to WordPress', () => {
	it.each( [ 301, 302, 307, 308 ] )(
		'do not follow a %i redirect, and fail at once with the reason',
		async ( status ) => {
			const wordpress = await listen( ( request, response ) => {
				request.resume();
				response.writeHead( status, {
					Location: `${ elsewhere }/collect`,
				} );
				response.end();
			} );
			const callback = new WordPressCallback( wordpress, SECRET );
			const startedAt = Date.now();
			const refused = await callback
				.deliver( [ event ], { patienceMs: 10_000 } )
				.catch( ( error: unknown ) => error );
			expect( refused ).toBeInstanceOf( CallbackRefusedError );
			expect( ( refused as CallbackRefusedError ).status ).toBe( status );
			expect( ( refused as Error ).message ).toContain(
				`redirected to ${ elsewhere }/collect`
			);
			expect( Date.now() - startedAt ).toBeLessThan( 5_000 );
			expect( received ).toEqual( [] );
		}
	);
} );
