/**
 * The supervisor with real processes (tiny Node programs): a killed service comes back with a
 * line saying why, one that keeps dying is given up while the others run on, stopping restarts
 * nothing, and the status table tells each service's state.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, describe, expect, it } from 'vitest';

// @ts-expect-error -- plain ESM scripts without type declarations.
import { formatStatus } from '../../lib/status.mjs';
import {
	Supervisor,
	readSupervisorState,
	restartDelayMs,
	supervisorRunning,
	// @ts-expect-error -- plain ESM scripts without type declarations.
} from '../../lib/supervisor.mjs';

interface Report {
	line: string;
	kind: string;
	service: string;
}

const dirs: string[] = [];
const supervisors: Array< { stop: () => Promise< string[] > } > = [];

afterEach( async () => {
	await Promise.all( supervisors.splice( 0 ).map( ( s ) => s.stop() ) );
	for ( const dir of dirs.splice( 0 ) ) {
		fs.rmSync( dir, { recursive: true, force: true } );
	}
} );

/** A supervisor with short delays, and the lines it reports. */
function supervisorForTest() {
	const dataDir = fs.mkdtempSync( path.join( os.tmpdir(), 'orbit-sup-' ) );
	dirs.push( dataDir );
	const reports: Report[] = [];
	const supervisor = new Supervisor( {
		dataDir,
		report: ( line: string, { kind, service }: Report ) =>
			reports.push( { line, kind, service } ),
		policy: {
			firstDelayMs: 100,
			maxDelayMs: 400,
			stableMs: 3000,
			maxQuickExits: 3,
		},
	} );
	supervisors.push( supervisor );
	return { dataDir, reports, supervisor };
}

/** A Node program serving HTTP on `port` (printing a line first), or exiting at once. */
function program( code: string ) {
	return { command: process.execPath, args: [ '-e', code ] };
}

function server( port: number ) {
	return program(
		`console.log('listening on ${ port }'); require('node:http').createServer((q, s) => s.end('ok')).listen(${ port }, '127.0.0.1')`
	);
}

async function freePort(): Promise< number > {
	const probe = http.createServer();
	await new Promise< void >( ( resolve ) =>
		probe.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = probe.address() as { port: number };
	await new Promise( ( resolve ) => probe.close( resolve ) );
	return port;
}

async function until< T >(
	what: string,
	check: () => T | undefined | false,
	timeoutMs = 10_000
) {
	const deadline = Date.now() + timeoutMs;
	while ( Date.now() < deadline ) {
		const value = check();
		if ( value ) {
			return value;
		}
		await sleep( 50 );
	}
	throw new Error( `timed out waiting for ${ what }` );
}

describe( 'restartDelayMs', () => {
	it( 'doubles from 1 s and stops at the cap', () => {
		expect(
			[ 1, 2, 3, 4, 5, 6, 7 ].map( ( n ) => restartDelayMs( n ) )
		).toEqual( [ 1000, 2000, 4000, 8000, 16000, 30000, 30000 ] );
	} );
} );

describe( 'Supervisor', () => {
	it( 'restarts a killed service, saying which, how it ended and how its log ends', async () => {
		const { dataDir, reports, supervisor } = supervisorForTest();
		const port = await freePort();
		const health = { url: `http://127.0.0.1:${ port }/` };
		const service = supervisor.start( {
			name: 'web',
			health,
			...server( port ),
		} );
		supervisor.supervise();
		await until( 'the first start', () =>
			fs.readFileSync( service.logFile, 'utf8' ).includes( 'listening' )
		);
		const firstPid = service.pid;
		process.kill( firstPid, 'SIGKILL' );

		const back = await until( 'the service back', () =>
			reports.find( ( r ) => r.kind === 'back' )
		);
		const restarting = reports.find( ( r ) => r.kind === 'restarting' );
		expect( restarting?.line ).toMatch(
			/^web exited with signal SIGKILL after \d+s; restarting it in 0s \(restart 1\)\. Its log ends: listening on \d+$/
		);
		expect( back.line ).toContain( 'web is back' );
		const state = readSupervisorState( dataDir );
		expect( state.services.web ).toMatchObject( {
			state: 'running',
			restarts: 1,
			lastExit: { signal: 'SIGKILL' },
		} );
		expect( state.services.web.pid ).not.toBe( firstPid );
		expect( ( await fetch( health.url ) ).status ).toBe( 200 );
		// pids.json follows, so that any later `npm run stop` stops the new process.
		expect(
			JSON.parse(
				fs.readFileSync( path.join( dataDir, 'pids.json' ), 'utf8' )
			).web
		).toBe( state.services.web.pid );
	} );

	it( 'gives up a service that keeps dying at once, and the others keep running', async () => {
		const { dataDir, reports, supervisor } = supervisorForTest();
		const port = await freePort();
		supervisor.start( {
			name: 'steady',
			health: { url: `http://127.0.0.1:${ port }/` },
			...server( port ),
		} );
		supervisor.start( {
			name: 'broken',
			health: { port: 1 },
			...program(
				`console.error('cannot open the data folder'); process.exit(3)`
			),
		} );
		supervisor.supervise();
		const givenUp = await until( 'the give-up', () =>
			reports.find( ( r ) => r.kind === 'given-up' )
		);
		expect( givenUp.line ).toMatch(
			/^broken exited with exit code 3 after 0s; it died 4 times in a row within seconds of starting: giving up on broken; the other services keep running\. Its log .* ends: cannot open the data folder/
		);
		// 1 quick death then 3 restarts, each announced, then nothing more.
		expect(
			reports
				.filter( ( r ) => r.service === 'broken' )
				.map( ( r ) => r.kind )
		).toEqual( [ 'restarting', 'restarting', 'restarting', 'given-up' ] );
		const state = readSupervisorState( dataDir );
		expect( state.services.broken ).toMatchObject( {
			state: 'given-up',
			restarts: 3,
		} );
		expect( state.services.steady ).toMatchObject( {
			state: 'running',
			restarts: 0,
		} );
		expect( ( await fetch( `http://127.0.0.1:${ port }/` ) ).status ).toBe(
			200
		);

		const status = await formatStatus( dataDir );
		expect( status.healthy ).toBe( false );
		const lines = status.text.split( '\n' );
		expect(
			lines.find( ( line: string ) => line.startsWith( 'steady' ) )
		).toMatch( /^steady\s+\d+\s+\d+s\s+0\s+answers\s+http:/ );
		expect(
			lines.find( ( line: string ) => line.startsWith( 'broken' ) )
		).toMatch(
			/^broken\s+-\s+-\s+3\s+given up\s+.*last exit: exit code 3/
		);
	} );

	it( 'restarts nothing once stopping, and stops every process', async () => {
		const { dataDir, reports, supervisor } = supervisorForTest();
		const port = await freePort();
		const service = supervisor.start( {
			name: 'web',
			health: { url: `http://127.0.0.1:${ port }/` },
			...server( port ),
		} );
		supervisor.supervise();
		await until( 'the start', () =>
			fs.readFileSync( service.logFile, 'utf8' ).includes( 'listening' )
		);
		const pid = service.pid;
		expect( await supervisor.stop( 2000 ) ).toEqual( [ 'web' ] );
		await sleep( 300 );
		expect( reports ).toEqual( [] );
		expect( () => process.kill( pid, 0 ) ).toThrow();
		expect( fs.existsSync( path.join( dataDir, 'supervisor.json' ) ) ).toBe(
			false
		);
	} );
} );

describe( 'supervisorRunning', () => {
	it( 'knows its own supervisor, and not a process that got the pid of a dead one', async () => {
		const { dataDir, supervisor } = supervisorForTest();
		supervisor.supervise();
		const state = readSupervisorState( dataDir );
		expect( supervisorRunning( state ) ).toBe( true );
		expect( supervisorRunning( { ...state, processStartTime: '1' } ) ).toBe(
			false
		);
		expect( supervisorRunning( undefined ) ).toBe( false );
	} );
} );
