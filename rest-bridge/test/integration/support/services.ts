import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve( import.meta.dirname, '../../../..' );
const BIN = join( REPO_ROOT, 'node_modules', '.bin' );

export interface ServiceEndpoints {
	natsUrl: string;
	s3: {
		endpoint: string;
		region: string;
		accessKeyId: string;
		secretAccessKey: string;
	};
	dynamodb: { endpoint: string; region: string };
}

/** A free 127.0.0.1 port in 20000–29999. */
export async function freePort(): Promise< number > {
	for ( let attempt = 0; attempt < 50; attempt++ ) {
		const port = 20000 + Math.floor( Math.random() * 10000 );
		const free = await new Promise< boolean >( ( done ) => {
			const server = createServer();
			server.once( 'error', () => done( false ) );
			server.listen( port, '127.0.0.1', () =>
				server.close( () => done( true ) )
			);
		} );
		if ( free ) {
			return port;
		}
	}
	throw new Error( 'no free port found in 20000–29999' );
}

export async function waitFor< T >(
	what: string,
	probe: () => Promise< T | undefined >,
	timeoutMs = 30_000,
	intervalMs = 100
): Promise< T > {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while ( Date.now() < deadline ) {
		try {
			const value = await probe();
			if ( value !== undefined ) {
				return value;
			}
		} catch ( error ) {
			last = error;
		}
		await new Promise( ( r ) => setTimeout( r, intervalMs ) );
	}
	throw new Error(
		`timed out waiting for ${ what }${ last ? `: ${ ( last as Error ).message }` : '' }`
	);
}

async function portOpen( port: number ) {
	const { connect } = await import( 'node:net' );
	return new Promise< true | undefined >( ( done ) => {
		const socket = connect( port, '127.0.0.1' );
		socket.once( 'connect', () => {
			socket.destroy();
			done( true );
		} );
		socket.once( 'error', () => done( undefined ) );
	} );
}

/**
 * Real services for a test file: NATS always our own (the test stack's bridge
 * would share the job consumer); S3 and DynamoDB from ORBIT_STACK_FILE when
 * set, else our own s3rver and dynalite.
 */
export class TestServices {
	private readonly children: ChildProcess[] = [];
	private readonly dir = mkdtempSync( join( tmpdir(), 'orbit-bridge-it-' ) );
	endpoints!: ServiceEndpoints;

	async start(): Promise< ServiceEndpoints > {
		const natsPort = await freePort();
		const natsConfig = join( this.dir, 'nats.conf' );
		writeFileSync(
			natsConfig,
			`host: 127.0.0.1\nport: ${ natsPort }\njetstream { store_dir: "${ join( this.dir, 'nats' ) }" }\n`
		);
		this.spawn( 'nats-server', [ '-c', natsConfig ] );
		await waitFor( 'nats-server', () => portOpen( natsPort ) );

		const stackFile = process.env.ORBIT_STACK_FILE;
		if ( stackFile ) {
			const stack = JSON.parse( readFileSync( stackFile, 'utf8' ) );
			this.endpoints = {
				natsUrl: `nats://127.0.0.1:${ natsPort }`,
				s3: {
					endpoint: stack.s3.endpoint,
					region: stack.s3.region,
					accessKeyId: stack.s3.accessKeyId,
					secretAccessKey: stack.s3.secretAccessKey,
				},
				dynamodb: {
					endpoint: stack.dynamodb.endpoint,
					region: stack.dynamodb.region,
				},
			};
			return this.endpoints;
		}
		const s3Port = await freePort();
		this.spawn( join( BIN, 's3rver' ), [
			'-d',
			join( this.dir, 's3' ),
			'-a',
			'127.0.0.1',
			'-p',
			String( s3Port ),
			'--silent',
		] );
		const dynamoPort = await freePort();
		this.spawn( join( BIN, 'dynalite' ), [
			'--host',
			'127.0.0.1',
			'--port',
			String( dynamoPort ),
			'--createTableMs',
			'0',
			'--deleteTableMs',
			'0',
			'--updateTableMs',
			'0',
		] );
		await waitFor( 's3rver', () => portOpen( s3Port ) );
		await waitFor( 'dynalite', () => portOpen( dynamoPort ) );
		this.endpoints = {
			natsUrl: `nats://127.0.0.1:${ natsPort }`,
			s3: {
				endpoint: `http://127.0.0.1:${ s3Port }`,
				region: 'us-east-1',
				accessKeyId: 'S3RVER',
				secretAccessKey: 'S3RVER',
			},
			dynamodb: {
				endpoint: `http://127.0.0.1:${ dynamoPort }`,
				region: 'us-east-1',
			},
		};
		return this.endpoints;
	}

	get tempDir() {
		return this.dir;
	}

	private spawn( command: string, args: string[] ) {
		const child = spawn( command, args, { stdio: 'ignore' } );
		this.children.push( child );
	}

	async stop() {
		await Promise.all(
			this.children.map(
				( child ) =>
					new Promise< void >( ( done ) => {
						if (
							child.exitCode !== null ||
							child.signalCode !== null
						) {
							done();
							return;
						}
						child.once( 'exit', () => done() );
						child.kill( 'SIGTERM' );
					} )
			)
		);
		rmSync( this.dir, { recursive: true, force: true } );
	}
}
