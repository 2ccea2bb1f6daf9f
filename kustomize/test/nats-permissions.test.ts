/**
 * Runs the real nats-server with the NATS configuration the overlays deploy (only the
 * listeners and the store moved to loopback test ports and a temporary directory) and checks
 * what its users can do: the bridge publishes job events, the browsers' orbit-live user
 * receives them over TCP and the websocket but can neither publish nor watch anything else.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
	wsconnect,
	type NatsConnection,
	type Subscription,
} from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { render, type Rendered } from './manifests';

const passwords = {
	ORBIT_NATS_BRIDGE_PASSWORD: 'bridge-test-password',
	ORBIT_NATS_LIVE_PASSWORD: 'live-test-password',
};
const runFile = promisify( execFile );

function natsConfigFiles( manifests: Rendered ): Record< string, string > {
	const config = manifests
		.ofKind( 'ConfigMap' )
		.find( ( map ) => map.data?.[ 'nats.conf' ] !== undefined );
	if ( ! config?.data ) {
		throw new Error( 'no ConfigMap holds nats.conf' );
	}
	return config.data;
}

function writeConfig(
	directory: string,
	files: Record< string, string >,
	extra = ''
): string {
	for ( const [ name, content ] of Object.entries( files ) ) {
		writeFileSync( path.join( directory, name ), content );
	}
	const wrapper = path.join( directory, 'test.conf' );
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
		const wrapper = writeConfig(
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
			env: { ...process.env, ...passwords, POD_NAME: 'orbit-nats-0' },
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

	const users = {
		'orbit-bridge': passwords.ORBIT_NATS_BRIDGE_PASSWORD,
		'orbit-live': passwords.ORBIT_NATS_LIVE_PASSWORD,
	};

	function browserPath(): string {
		const wordpress = dev.container( 'wordpress' );
		return new URL(
			dev.plainValue( wordpress, 'K8OR_ORBIT_NATS_WEBSOCKET_URL' )!
		).pathname;
	}

	async function as(
		user: keyof typeof users,
		transport: 'tcp' | 'websocket' = 'tcp'
	): Promise< NatsConnection > {
		const options = {
			user,
			pass: users[ user ],
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
						// The path browsers use, which the Ingress forwards unchanged.
						servers: `ws://127.0.0.1:${ ports.websocket }${ browserPath() }`,
					} );
		connections.push( connection );
		return connection;
	}

	it( 'is the same server configuration in every overlay, and prod’s clustered variant is valid', async () => {
		expect( natsConfigFiles( prod )[ 'nats.conf' ] ).toBe(
			natsConfigFiles( dev )[ 'nats.conf' ]
		);
		const prodDirectory = mkdtempSync(
			path.join( os.tmpdir(), 'orbit-nats-prod-' )
		);
		try {
			writeConfig( prodDirectory, natsConfigFiles( prod ) );
			const { stderr } = await runFile(
				'nats-server',
				[ '-t', '-c', path.join( prodDirectory, 'nats.conf' ) ],
				{
					env: {
						...process.env,
						...passwords,
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

	it( 'rejects a wrong password', async () => {
		await expect(
			connect( {
				servers: `127.0.0.1:${ ports.client }`,
				user: 'orbit-live',
				pass: 'guess',
				reconnect: false,
			} )
		).rejects.toThrow( /authorization/i );
	} );

	it( 'delivers the bridge’s job events to orbit-live over TCP and over the websocket', async () => {
		const bridge = await as( 'orbit-bridge' );
		( globalThis as { WebSocket?: unknown } ).WebSocket ??= WebSocket;
		const overTcp = ( await as( 'orbit-live' ) ).subscribe(
			'orbit.events.>'
		);
		const overWebsocket = (
			await as( 'orbit-live', 'websocket' )
		).subscribe( 'orbit.events.hello-web.>' );
		await Promise.all(
			connections.map( ( connection ) => connection.flush() )
		);

		bridge.publish( 'orbit.events.hello-web.job-1', '{"seq":1}' );
		expect( await nextMessage( overTcp ) ).toBe( '{"seq":1}' );
		expect( await nextMessage( overWebsocket ) ).toBe( '{"seq":1}' );
	} );

	it( 'refuses orbit-live any publish, so browsers cannot forge events or call JetStream', async () => {
		const bridge = await as( 'orbit-bridge' );
		const live = await as( 'orbit-live' );
		const watched = bridge.subscribe( 'orbit.events.hello-web.>' );
		await bridge.flush();

		live.publish( 'orbit.events.hello-web.job-2', '{"forged":true}' );
		await expect(
			live.request( '$JS.API.INFO', '', { timeout: 2_000 } )
		).rejects.toThrow( /permission/i );
		// Published after the forged one: if the forgery had passed, it would arrive first.
		bridge.publish( 'orbit.events.hello-web.job-2', '{"seq":1}' );
		expect( await nextMessage( watched ) ).toBe( '{"seq":1}' );
	} );

	it( 'refuses orbit-live a subscription outside orbit.events.>, inboxes included', async () => {
		const live = await as( 'orbit-live' );
		for ( const subject of [ 'orbit.jobs.>', '_INBOX.>', '$JS.API.>' ] ) {
			const subscription = live.subscribe( subject );
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
	} );
} );
