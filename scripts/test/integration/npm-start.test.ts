/**
 * `npm start` as a new user runs it: the whole stack comes up on its own ports, every service
 * answers through its real client, a killed service comes back by itself, SIGTERM leaves
 * nothing behind, and a second start keeps the data. Runs beside the test stack on ports shifted 20000 beyond the test stack's own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, describe, expect, it } from 'vitest';

// @ts-expect-error -- plain ESM scripts without type declarations.
import { TEST_PORT_OFFSET } from '../../lib/config.mjs';

import {
	type StackDescription,
	basicAuth,
	dynamodbRoundTrip,
	gitopsCloneAndPush,
	jetstreamRoundTrip,
	registryPushAndCatalog,
	s3Read,
	s3RoundTrip,
	websocketLiveRoundTrip,
	wordpressBridgeStatus,
} from '../support/service-checks';

const repoRoot = path.resolve( __dirname, '..', '..', '..' );
const dataDir = fs.mkdtempSync( path.join( os.tmpdir(), 'orbit-npm-start-' ) );
const PORT_VARIABLES = {
	ORBIT_WP_PORT: 8080,
	ORBIT_MARIADB_PORT: 3307,
	ORBIT_NATS_PORT: 4222,
	ORBIT_NATS_WS_PORT: 4223,
	ORBIT_S3_PORT: 4568,
	ORBIT_DYNAMODB_PORT: 4567,
	ORBIT_REGISTRY_PORT: 5000,
	ORBIT_GITOPS_PORT: 8418,
	ORBIT_BRIDGE_PORT: 8787,
};
// Beside another checkout's test run too: each has its own test-stack offset.
const portOffset =
	Number( process.env.ORBIT_TEST_PORT_OFFSET ?? TEST_PORT_OFFSET ) + 20000;
const ports = Object.fromEntries(
	Object.entries( PORT_VARIABLES ).map( ( [ name, port ] ) => [
		name,
		String( port + portOffset ),
	] )
);
// The test suite's own stack variables must not leak into this second stack.
const { ORBIT_STACK_FILE: _testStackFile, ...inherited } = process.env;
const env: NodeJS.ProcessEnv = {
	...inherited,
	...ports,
	ORBIT_DATA_DIR: dataDir,
};

interface Started {
	child: ChildProcess;
	output: () => string;
	exited: Promise< number | null >;
}

function npmStart(
	extraArgs: string[] = [],
	extraEnv: Record< string, string > = {}
): Started {
	const child = spawn(
		'npm',
		[ 'start', ...( extraArgs.length ? [ '--', ...extraArgs ] : [] ) ],
		{
			cwd: repoRoot,
			env: { ...env, ...extraEnv },
			stdio: [ 'ignore', 'pipe', 'pipe' ],
		}
	);
	let output = '';
	child.stdout?.on( 'data', ( chunk ) => ( output += chunk ) );
	child.stderr?.on( 'data', ( chunk ) => ( output += chunk ) );
	const exited = new Promise< number | null >( ( resolve ) =>
		child.on( 'exit', ( code ) => resolve( code ) )
	);
	return { child, output: () => output, exited };
}

/** Every service process any start in this file launched, so that none outlives it. */
const launched = new Set< number >();

function recordedPids(): number[] {
	const pids = Object.values(
		JSON.parse(
			fs.readFileSync( path.join( dataDir, 'pids.json' ), 'utf8' )
		) as Record< string, number >
	);
	pids.forEach( ( pid ) => launched.add( pid ) );
	return pids;
}

async function waitForStack( started: Started ): Promise< StackDescription > {
	const file = path.join( dataDir, 'stack.json' );
	const deadline = Date.now() + 240_000;
	let exitCode: number | null | undefined;
	started.exited.then( ( code ) => ( exitCode = code ) );
	while ( Date.now() < deadline ) {
		if ( exitCode !== undefined ) {
			throw new Error(
				`npm start exited (${ exitCode }) before the stack was up:\n${ started.output() }`
			);
		}
		if (
			fs.existsSync( file ) &&
			started.output().includes( 'k8or Orbit is running' )
		) {
			recordedPids();
			return JSON.parse(
				fs.readFileSync( file, 'utf8' )
			) as StackDescription;
		}
		await sleep( 250 );
	}
	throw new Error(
		`npm start did not bring the stack up in time:\n${ started.output() }`
	);
}

interface CatalogApp {
	name: string;
	image: { configDigest?: string; exposedPorts?: string[] };
	scan: { status?: string };
}

async function publicCatalog(
	stack: StackDescription
): Promise< CatalogApp[] > {
	const response = await fetch(
		`${ stack.wordpress.restUrl }/k8or-orbit/v1/apps`
	);
	expect( response.status ).toBe( 200 );
	return ( await response.json() ) as CatalogApp[];
}

function portIsFree( port: number ): Promise< boolean > {
	return new Promise( ( resolve ) => {
		const server = net.createServer();
		server.once( 'error', () => resolve( false ) );
		server.listen( { port, host: '127.0.0.1', exclusive: true }, () =>
			server.close( () => resolve( true ) )
		);
	} );
}

function alive( pid: number ): boolean {
	try {
		process.kill( pid, 0 );
		return true;
	} catch {
		return false;
	}
}

/** Stops npm start with a signal and returns how long until every process and port was gone. */
async function stopAndMeasure( started: Started, signal: NodeJS.Signals ) {
	const pids = recordedPids();
	const startedAt = Date.now();
	started.child.kill( signal );
	await started.exited;
	while ( Date.now() - startedAt < 15_000 ) {
		const portsFree = await Promise.all(
			Object.values( ports ).map( ( port ) =>
				portIsFree( Number( port ) )
			)
		);
		if (
			pids.every( ( pid ) => ! alive( pid ) ) &&
			portsFree.every( Boolean )
		) {
			break;
		}
		await sleep( 100 );
	}
	return {
		elapsedMs: Date.now() - startedAt,
		survivors: pids.filter( alive ),
		busyPorts: (
			await Promise.all(
				Object.values( ports ).map( async ( port ) =>
					( await portIsFree( Number( port ) ) ) ? null : port
				)
			)
		).filter( Boolean ),
	};
}

let running: Started | undefined;

afterAll( async () => {
	if ( running && running.child.exitCode === null ) {
		running.child.kill( 'SIGKILL' );
	}
	// Whatever happened above, leave no process behind.
	for ( const pid of launched ) {
		try {
			process.kill( -pid, 'SIGKILL' );
		} catch {}
	}
	fs.rmSync( dataDir, { recursive: true, force: true } );
} );

describe( 'npm start', () => {
	it( 'refuses a port that is already taken and names the variable to change', async () => {
		const blocker = net
			.createServer()
			.listen( Number( ports.ORBIT_BRIDGE_PORT ), '127.0.0.1' );
		try {
			const started = npmStart();
			const code = await started.exited;
			expect( code ).toBe( 1 );
			expect( started.output() ).toContain(
				`Port ${ ports.ORBIT_BRIDGE_PORT } (rest-bridge) is already in use`
			);
			expect( started.output() ).toContain( 'ORBIT_BRIDGE_PORT=' );
		} finally {
			blocker.close();
		}
	} );

	it( 'brings up every service, each answering its real client, and stops cleanly on SIGTERM', async () => {
		running = npmStart();
		const stack = await waitForStack( running );

		expect( running.output() ).toContain( stack.wordpress.url );
		expect(
			stack.wordpress.users.map( ( user ) => user.role ).sort()
		).toEqual( [ 'administrator', 'editor', 'orbit_operator' ] );
		for ( const user of stack.wordpress.users ) {
			expect( user.password.length ).toBeGreaterThanOrEqual( 12 );
			expect( user.applicationPassword ).toMatch( /\S{4}/ );
		}

		const js = await jetstreamRoundTrip( stack, 'over JetStream' );
		expect( js ).toEqual( { seq: 1, received: 'over JetStream' } );

		const live = await websocketLiveRoundTrip( stack, 'live progress' );
		expect( live.received ).toBe( 'live progress' );
		expect( live.errors.join( ' ' ) ).toMatch( /permissions violation/i );

		expect(
			await s3RoundTrip(
				stack,
				'stack-check',
				'hello.txt',
				'kept across restarts'
			)
		).toBe( 'kept across restarts' );
		expect( await dynamodbRoundTrip( stack ) ).toEqual( [ 'C', 'B', 'A' ] );

		const registryCatalog = await registryPushAndCatalog(
			stack,
			'stack-check/hello'
		);
		expect( registryCatalog.repositories ).toContain( 'stack-check/hello' );

		expect(
			await gitopsCloneAndPush( stack, 'pushed-by-check.txt' )
		).toEqual( { seeded: true, pushed: true } );

		// The first run fills the catalog through the real upload path.
		const catalog = await publicCatalog( stack );
		expect( catalog.map( ( app ) => app.name ).sort() ).toEqual( [
			'echo-api',
			'hello-web',
			'status-board',
		] );
		const helloWeb = catalog.find( ( app ) => app.name === 'hello-web' );
		expect( helloWeb?.image.configDigest ).toMatch(
			/^sha256:[0-9a-f]{64}$/
		);
		expect( helloWeb?.image.exposedPorts ).toEqual( [ '8080/tcp' ] );
		expect( helloWeb?.scan.status ).toBe( 'unavailable' );

		const ready = await fetch( `${ stack.bridge.url }/readyz` );
		expect( ready.status ).toBe( 200 );

		const ping = await wordpressBridgeStatus( stack );
		expect( ping.status ).toBe( 200 );
		expect( ping.body.connected ).toBe( true );

		const stopped = await stopAndMeasure( running, 'SIGTERM' );
		expect( stopped.survivors ).toEqual( [] );
		expect( stopped.busyPorts ).toEqual( [] );
		expect( stopped.elapsedMs ).toBeLessThan( 10_000 );
	} );

	it( 'comes back with the same data on a second start, and Ctrl-C stops it', async () => {
		running = npmStart();
		const stack = await waitForStack( running );
		expect( await s3Read( stack, 'stack-check', 'hello.txt' ) ).toBe(
			'kept across restarts'
		);
		const admin = stack.wordpress.users.find(
			( user ) => user.role === 'administrator'
		)!;
		const me = await fetch( `${ stack.wordpress.restUrl }/wp/v2/users/me`, {
			headers: {
				Authorization: basicAuth(
					admin.login,
					admin.applicationPassword
				),
			},
		} );
		expect( me.status ).toBe( 200 );
		expect( ( await publicCatalog( stack ) ).length ).toBe( 3 );
		expect( await gitopsCloneAndPush( stack, 'second-run.txt' ) ).toEqual( {
			seeded: true,
			pushed: true,
		} );

		// A crashed service comes back by itself, and says so on the terminal.
		recordedPids();
		const { bridge: bridgePid } = JSON.parse(
			fs.readFileSync( path.join( dataDir, 'pids.json' ), 'utf8' )
		) as Record< string, number >;
		process.kill( bridgePid!, 'SIGKILL' );
		const deadline = Date.now() + 30_000;
		while (
			Date.now() < deadline &&
			! running.output().includes( 'bridge is back' )
		) {
			await sleep( 200 );
		}
		expect( running.output() ).toMatch(
			/bridge exited with signal SIGKILL after \S+; restarting it in 1s \(restart 1\)\. Its log ends: /
		);
		expect( running.output() ).toContain( 'bridge is back' );
		expect( ( await fetch( `${ stack.bridge.url }/readyz` ) ).status ).toBe(
			200
		);
		const status = spawnSync( 'npm', [ 'run', '--silent', 'status' ], {
			cwd: repoRoot,
			env,
			encoding: 'utf8',
		} );
		expect( status.status, status.stdout ).toBe( 0 );
		expect( status.stdout ).toMatch(
			/^bridge\s+\d+\s+\S+\s+1\s+answers\s/m
		);
		expect( status.stdout ).toMatch(
			/^mariadb\s+\d+\s+\S+\s+0\s+answers\s/m
		);
		expect( status.stdout ).toContain( 'Every service answers.' );

		const stopped = await stopAndMeasure( running, 'SIGINT' );
		expect( stopped.survivors ).toEqual( [] );
		expect( stopped.busyPorts ).toEqual( [] );
		expect( stopped.elapsedMs ).toBeLessThan( 10_000 );
	} );

	it( 'starts from empty data with --reset', async () => {
		running = npmStart( [ '--reset' ] );
		const stack = await waitForStack( running );
		await expect(
			s3Read( stack, 'stack-check', 'hello.txt' )
		).rejects.toThrow();
		await stopAndMeasure( running, 'SIGTERM' );
	} );
} );
