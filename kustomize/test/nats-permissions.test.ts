/**
 * Runs the real nats-server with the NATS configuration the overlays deploy (only the
 * listeners and the store moved to loopback test ports and a temporary directory), in operator
 * mode with keys made by the same code as `orbit-bridge nats-auth`, and checks what its users
 * can do: the bridge publishes job events; a browser's user, minted the way the bridge mints
 * it for GET /live, receives its one job's events over the websocket and nothing else, can
 * publish nothing, and is shut out when it expires.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
	jwtAuthenticator,
	wsconnect,
	type NatsConnection,
	type Subscription,
} from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
	generateNatsAuthKeys,
	natsServerAuthConfig,
} from '../../rest-bridge/src/nats-auth/server-auth.js';
import {
	accountUserAuthenticator,
	mintLiveUser,
	type NatsUserCredentials,
} from '../../rest-bridge/src/nats-auth/users.js';
import { render, type Rendered } from './manifests';

const runFile = promisify( execFile );
const keys = generateNatsAuthKeys();
const JOB = '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60';
const OTHER_JOB = '1c7a4d2f-9e6b-4b64-8a1f-3c2d4e5f6071';

function natsConfigFiles( manifests: Rendered ): Record< string, string > {
	const config = manifests
		.ofKind( 'ConfigMap' )
		.find( ( map ) => map.data?.[ 'nats.conf' ] !== undefined );
	if ( ! config?.data ) {
		throw new Error( 'no ConfigMap holds nats.conf' );
	}
	return config.data;
}

/**
 * Lays the files out as the pod mounts them: the ConfigMap in <dir>/nats (/etc/nats) and the
 * orbit-nats-auth Secret's auth.conf in <dir>/nats-auth (/etc/nats-auth).
 */
async function writeConfig(
	directory: string,
	files: Record< string, string >,
	extra = ''
): Promise< string > {
	const configDirectory = path.join( directory, 'nats' );
	mkdirSync( configDirectory, { recursive: true } );
	mkdirSync( path.join( directory, 'nats-auth' ), { recursive: true } );
	writeFileSync(
		path.join( directory, 'nats-auth', 'auth.conf' ),
		await natsServerAuthConfig( keys )
	);
	for ( const [ name, content ] of Object.entries( files ) ) {
		writeFileSync( path.join( configDirectory, name ), content );
	}
	const wrapper = path.join( configDirectory, 'test.conf' );
	writeFileSync( wrapper, `include ./nats.conf\n${ extra }` );
	return wrapper;
}

async function isFree( port: number ): Promise< boolean > {
	return new Promise( ( resolve ) => {
		const probe = net.createServer();
		probe.once( 'error', () => resolve( false ) );
		probe.listen( port, '127.0.0.1', () =>
			probe.close( () => resolve( true ) )
		);
	} );
}

async function freePort(): Promise< number > {
	for ( let attempt = 0; attempt < 50; attempt++ ) {
		const port = 20000 + Math.floor( Math.random() * 10000 );
		if ( await isFree( port ) ) {
			return port;
		}
	}
	throw new Error( 'no free port in 20000–29999 after 50 tries' );
}

async function waitForPort(
	port: number,
	server: ChildProcess
): Promise< void > {
	const deadline = Date.now() + 10_000;
	while ( Date.now() < deadline ) {
		if ( server.exitCode !== null ) {
			throw new Error( `nats-server exited with ${ server.exitCode }` );
		}
		if ( ! ( await isFree( port ) ) ) {
			return;
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 50 ) );
	}
	throw new Error( `nats-server did not listen on ${ port } within 10 s` );
}

/** The next message of a subscription, or undefined after `ms`. */
async function nextMessage(
	subscription: Subscription,
	ms = 2_000
): Promise< string | undefined > {
	const iterator = subscription[ Symbol.asyncIterator ]();
	const timeout = new Promise< undefined >( ( resolve ) =>
		setTimeout( () => resolve( undefined ), ms )
	);
	const next = iterator
		.next()
		.then( ( result ) =>
			result.done ? undefined : result.value.string()
		);
	return Promise.race( [ next, timeout ] );
}

describe( 'the deployed NATS configuration', () => {
	let dev: Rendered;
	let prod: Rendered;
	let directory: string;
	let server: ChildProcess | undefined;
	const ports = { client: 0, websocket: 0 };
	const connections: NatsConnection[] = [];

	beforeAll( async () => {
		[ dev, prod ] = await Promise.all( [
			render( 'overlays/dev' ),
			render( 'overlays/prod' ),
		] );
		directory = mkdtempSync(
			path.join( os.tmpdir(), 'orbit-nats-config-' )
		);
		ports.client = await freePort();
		ports.websocket = await freePort();
		const wrapper = await writeConfig(
			directory,
			natsConfigFiles( dev ),
			// Later keys win in the NATS format: only the listeners, the store and the pid file move.
			[
				`host: 127.0.0.1`,
				`port: ${ ports.client }`,
				`http_port: 0`,
				`pid_file: ${ JSON.stringify( path.join( directory, 'nats.pid' ) ) }`,
				`jetstream { store_dir: ${ JSON.stringify( path.join( directory, 'jetstream' ) ) } }`,
				`websocket { host: 127.0.0.1, port: ${ ports.websocket }, no_tls: true }`,
			].join( '\n' )
		);
		server = spawn( 'nats-server', [ '--config', wrapper ], {
			env: { ...process.env, POD_NAME: 'orbit-nats-0' },
			stdio: 'ignore',
		} );
		await waitForPort( ports.client, server );
		await waitForPort( ports.websocket, server );
	} );

	afterAll( async () => {
		await Promise.all(
			connections.map( ( connection ) => connection.close() )
		);
		if ( server && server.exitCode === null ) {
			const exited = new Promise( ( resolve ) =>
				server!.once( 'exit', resolve )
			);
			server.kill( 'SIGTERM' );
			await exited;
		}
		if ( directory ) {
			rmSync( directory, { recursive: true, force: true } );
		}
	} );

	function browserPath(): string {
		const wordpress = dev.container( 'wordpress' );
		return new URL(
			dev.plainValue( wordpress, 'K8OR_ORBIT_NATS_WEBSOCKET_URL' )!
		).pathname;
	}

	async function asBridge(): Promise< NatsConnection > {
		const connection = await connect( {
			servers: `127.0.0.1:${ ports.client }`,
			authenticator: await accountUserAuthenticator(
				keys.accountSeed,
				'orbit-bridge'
			),
			reconnect: false,
			timeout: 5_000,
		} );
		connections.push( connection );
		return connection;
	}

	/** A browser with credentials as GET /live hands them out, over the path browsers use. */
	async function asBrowser(
		credentials: NatsUserCredentials,
		transport: 'websocket' | 'tcp' = 'websocket'
	): Promise< NatsConnection > {
		( globalThis as { WebSocket?: unknown } ).WebSocket ??= WebSocket;
		const options = {
			authenticator: jwtAuthenticator(
				credentials.jwt,
				new TextEncoder().encode( credentials.seed )
			),
			reconnect: false,
			timeout: 5_000,
		};
		const connection =
			transport === 'tcp'
				? await connect( {
						...options,
						servers: `127.0.0.1:${ ports.client }`,
					} )
				: await wsconnect( {
						...options,
						servers: `ws://127.0.0.1:${ ports.websocket }${ browserPath() }`,
					} );
		connections.push( connection );
		return connection;
	}

	const liveUser = ( ttlSeconds = 60, now = new Date() ) =>
		mintLiveUser(
			keys.accountSeed,
			{
				name: 'wordpress-user-2',
				subjects: [ `orbit.events.hello-web.${ JOB }` ],
				ttlSeconds,
			},
			now
		);

	it( 'is the same server configuration in every overlay, and prod’s clustered variant is valid', async () => {
		expect( natsConfigFiles( prod )[ 'nats.conf' ] ).toBe(
			natsConfigFiles( dev )[ 'nats.conf' ]
		);
		const prodDirectory = mkdtempSync(
			path.join( os.tmpdir(), 'orbit-nats-prod-' )
		);
		try {
			await writeConfig( prodDirectory, natsConfigFiles( prod ) );
			const { stderr } = await runFile(
				'nats-server',
				[ '-t', '-c', path.join( prodDirectory, 'nats', 'nats.conf' ) ],
				{
					env: {
						...process.env,
						POD_NAME: 'orbit-nats-0',
					},
					timeout: 10_000,
				}
			);
			expect( stderr ).toMatch( /is valid/ );
		} finally {
			rmSync( prodDirectory, { recursive: true, force: true } );
		}
	} );

	it( 'refuses a client without credentials, and a user signed by another account', async () => {
		await expect(
			connect( {
				servers: `127.0.0.1:${ ports.client }`,
				reconnect: false,
			} )
		).rejects.toThrow( /authorization/i );
		const stranger = await mintLiveUser(
			generateNatsAuthKeys().accountSeed,
			{
				name: 'stranger',
				subjects: [ `orbit.events.hello-web.${ JOB }` ],
				ttlSeconds: 60,
			}
		);
		await expect( asBrowser( stranger ) ).rejects.toThrow(
			/authorization/i
		);
	} );

	it( 'delivers the bridge’s events of the job to the browser’s user over the websocket', async () => {
		const bridge = await asBridge();
		const browser = await asBrowser( await liveUser() );
		const followed = browser.subscribe( `orbit.events.hello-web.${ JOB }` );
		await browser.flush();
		bridge.publish( `orbit.events.hello-web.${ JOB }`, '{"seq":1}' );
		expect( await nextMessage( followed ) ).toBe( '{"seq":1}' );
	} );

	it( 'refuses the browser’s user any other subject, inboxes and JetStream included, and any publish', async () => {
		for ( const subject of [
			`orbit.events.hello-web.${ OTHER_JOB }`,
			`orbit.events.other-app.${ JOB }`,
			'orbit.events.>',
			'orbit.jobs.>',
			'_INBOX.>',
			'$JS.API.>',
		] ) {
			const browser = await asBrowser( await liveUser() );
			const subscription = browser.subscribe( subject );
			const stillOpen = new Promise( ( resolve ) =>
				setTimeout( () => resolve( 'still open after 3 s' ), 3_000 )
			);
			const outcome = await Promise.race( [
				subscription.closed,
				stillOpen,
			] );
			expect( outcome, subject ).toBeInstanceOf( Error );
			expect( String( outcome ), subject ).toMatch( /permission/i );
		}

		const bridge = await asBridge();
		const watched = bridge.subscribe( `orbit.events.hello-web.${ JOB }` );
		await bridge.flush();
		const browser = await asBrowser( await liveUser() );
		browser.publish( `orbit.events.hello-web.${ JOB }`, '{"forged":true}' );
		await expect(
			browser.request( '$JS.API.INFO', '', { timeout: 2_000 } )
		).rejects.toThrow( /permission/i );
		// Published after the forged one: if the forgery had passed, it would arrive first.
		bridge.publish( `orbit.events.hello-web.${ JOB }`, '{"seq":1}' );
		expect( await nextMessage( watched ) ).toBe( '{"seq":1}' );
	} );

	it( 'lets the browser’s user in over the websocket only', async () => {
		await expect( asBrowser( await liveUser(), 'tcp' ) ).rejects.toThrow(
			/authorization/i
		);
	} );

	it( 'shuts an expired user out, and closes its connection when it expires', async () => {
		const expired = await liveUser( 30, new Date( Date.now() - 60_000 ) );
		await expect( asBrowser( expired ) ).rejects.toThrow(
			/authorization|expired/i
		);

		const shortLived = await asBrowser( await liveUser( 2 ) );
		const closed = await Promise.race( [
			shortLived.closed().then( () => 'closed' ),
			new Promise( ( resolve ) =>
				setTimeout( () => resolve( 'still open after 8 s' ), 8_000 )
			),
		] );
		expect( closed ).toBe( 'closed' );
	} );
} );
