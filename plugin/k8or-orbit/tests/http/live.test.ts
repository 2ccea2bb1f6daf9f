/**
 * Live progress: each user gets NATS credentials of their own from GET /live, for minutes, for
 * one job of an app they may see; they cannot watch anything else, a demoted user gets no more,
 * and what NATS carries holds no deploy-input values.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	jwtAuthenticator,
	wsconnect,
	type NatsConnection,
} from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { accountUserAuthenticator } from '../../../../rest-bridge/src/nats-auth/users';
import {
	buildDockerArchive,
	readArchive,
} from '../../../../rest-bridge/test/integration/support/image';
import {
	basicAuth,
	call,
	loadStack,
	restUrl,
	uniqueAppName,
	userWithRole,
	type Stack,
} from './support';
import { completion, startUpload } from './uploads';

let stack: Stack;
let workDir: string;
const connections: NatsConnection[] = [];

beforeAll( () => {
	stack = loadStack();
	workDir = mkdtempSync( join( tmpdir(), 'orbit-live-' ) );
	( globalThis as { WebSocket?: unknown } ).WebSocket ??= WebSocket;
} );

afterAll( async () => {
	await Promise.all(
		connections.map( ( connection ) => connection.close() )
	);
	rmSync( workDir, { recursive: true, force: true } );
} );

async function finished( jobId: string, headers: Record< string, string > ) {
	for ( let attempt = 0; attempt < 120; attempt++ ) {
		const job = await call(
			restUrl( stack, `/k8or-orbit/v1/jobs/${ jobId }` ),
			{
				headers,
			}
		);
		if ( [ 'succeeded', 'failed' ].includes( job.body?.status ) ) {
			return job.body;
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
	}
	throw new Error( `job ${ jobId } did not finish within 60 s` );
}

/** Whether a subscription is refused by the server within 3 s. */
async function refused( connection: NatsConnection, subject: string ) {
	const subscription = connection.subscribe( subject );
	const outcome = await Promise.race( [
		subscription.closed,
		new Promise( ( resolve ) =>
			setTimeout( () => resolve( 'open' ), 3_000 )
		),
	] );
	return outcome instanceof Error && /permission/i.test( outcome.message );
}

describe( 'GET /live', () => {
	it( 'gives a user short-lived credentials for one job only, and NATS carries no deploy-input values', async () => {
		const operatorUser = userWithRole( stack, 'orbit_operator' );
		const operator = basicAuth( operatorUser );
		const appName = uniqueAppName();
		const secretValue = `live-secret-${ randomUUID() }`;
		const archive = readArchive(
			( await buildDockerArchive( workDir, 16 * 1024 ) ).archive
		);
		const upload = await startUpload(
			stack,
			operatorUser,
			appName,
			archive
		);

		// A trusted observer (as the bridge connects) records everything NATS carries for the app.
		const observer = await connect( {
			servers: stack.nats.url,
			authenticator: await accountUserAuthenticator(
				stack.nats.accountSeed,
				'live-test-observer'
			),
		} );
		connections.push( observer );
		const published: string[] = [];
		const watched = observer.subscribe( `orbit.events.${ appName }.>` );
		void ( async () => {
			for await ( const message of watched ) {
				published.push( message.string() );
			}
		} )();
		await observer.flush();

		const completed = await call(
			restUrl(
				stack,
				`/k8or-orbit/v1/uploads/${ upload.uploadId }/complete`
			),
			{
				method: 'POST',
				headers: { ...operator, 'Content-Type': 'application/json' },
				body: completion( upload, appName, 'dev', {
					API_TOKEN: secretValue,
				} ),
			}
		);
		expect( completed.status, JSON.stringify( completed.body ) ).toBe(
			202
		);
		const jobId = completed.body.jobId as string;

		const live = await call(
			restUrl( stack, '/k8or-orbit/v1/live', { job: jobId } ),
			{ headers: operator }
		);
		expect( live.status, JSON.stringify( live.body ) ).toBe( 200 );
		expect( live.headers.get( 'cache-control' ) ).toContain( 'no-store' );
		expect( live.body.subject ).toBe(
			`orbit.events.${ appName }.${ jobId }`
		);
		const lifetime = Date.parse( live.body.expiresAt ) - Date.now();
		expect( lifetime ).toBeGreaterThan( 0 );
		expect( lifetime ).toBeLessThanOrEqual( 10 * 60 * 1000 );
		expect( JSON.stringify( live.body ) ).not.toMatch( /password/i );

		const browser = await wsconnect( {
			servers: live.body.websocketUrl,
			authenticator: jwtAuthenticator(
				live.body.jwt,
				new TextEncoder().encode( live.body.seed )
			),
			reconnect: false,
		} );
		connections.push( browser );
		const own = browser.subscribe( live.body.subject );
		await browser.flush();
		expect( own.isClosed() ).toBe( false );
		for ( const subject of [
			'orbit.events.>',
			`orbit.events.${ appName }.>`,
			`orbit.events.other-app.${ jobId }`,
		] ) {
			const other = await wsconnect( {
				servers: live.body.websocketUrl,
				authenticator: jwtAuthenticator(
					live.body.jwt,
					new TextEncoder().encode( live.body.seed )
				),
				reconnect: false,
			} );
			connections.push( other );
			expect( await refused( other, subject ), subject ).toBe( true );
		}

		const job = await finished( jobId, operator );
		expect( job.status, JSON.stringify( job ) ).toBe( 'succeeded' );
		await observer.flush();
		const names = published.map( ( text ) => JSON.parse( text ).name );
		expect( names ).toContain( 'database-update-started' );
		expect( published.join( '\n' ) ).not.toContain( secretValue );

		// The event log (read through WordPress by operators) keeps what it needs.
		const logged = await call(
			restUrl( stack, `/k8or-orbit/v1/jobs/${ jobId }/events`, {
				limit: '100',
			} ),
			{ headers: operator }
		);
		expect( JSON.stringify( logged.body ) ).toContain( secretValue );
	} );

	it( 'gives nothing to an editor, and nothing more to an operator once demoted', async () => {
		const admin = basicAuth( userWithRole( stack, 'administrator' ) );
		const operator = basicAuth( userWithRole( stack, 'orbit_operator' ) );
		const editor = basicAuth( userWithRole( stack, 'editor' ) );
		const job = { job: randomUUID() };

		expect(
			(
				await call( restUrl( stack, '/k8or-orbit/v1/live', job ), {
					headers: editor,
				} )
			).status
		).toBe( 403 );

		const me = await call( restUrl( stack, '/wp/v2/users/me' ), {
			headers: operator,
		} );
		const userUrl = restUrl( stack, `/wp/v2/users/${ me.body.id }` );
		const setRole = ( role: string ) =>
			call( userUrl, {
				method: 'POST',
				headers: { ...admin, 'Content-Type': 'application/json' },
				body: JSON.stringify( { roles: [ role ] } ),
			} );
		// Before: past the capability check (the job does not exist).
		expect(
			(
				await call( restUrl( stack, '/k8or-orbit/v1/live', job ), {
					headers: operator,
				} )
			).status
		).toBe( 404 );
		expect( ( await setRole( 'subscriber' ) ).status ).toBe( 200 );
		try {
			const renewal = await call(
				restUrl( stack, '/k8or-orbit/v1/live', job ),
				{
					headers: operator,
				}
			);
			expect( renewal.status ).toBe( 403 );
		} finally {
			expect( ( await setRole( 'orbit_operator' ) ).status ).toBe( 200 );
		}
	} );
} );
