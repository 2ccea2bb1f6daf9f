import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TrivyError, TrivyRunner } from '../../../src/scan/trivy-runner.js';

const repoRoot = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'../../../..'
);
const fixture = path.resolve(
	repoRoot,
	'..',
	'shared',
	'fixtures',
	'trivy',
	'alpine-39.json'
);

/**
 * A stand-in for the trivy CLI: answers `--version` the way Trivy does, and for
 * `image --input FILE --format json --quiet [--server URL]` checks its
 * arguments and the input, then prints a report Trivy recorded. Every call's
 * arguments are appended to a log so the test sees what was run.
 */
function standIn( log: string ): string {
	return `#!/usr/bin/env node
const fs = require( 'node:fs' );
const args = process.argv.slice( 2 );
fs.appendFileSync( ${ JSON.stringify( log ) }, JSON.stringify( args ) + '\\n' );
if ( args[ 0 ] === '--version' ) {
	process.stdout.write( 'Version: 0.58.1\\nVulnerability DB:\\n  Version: 2\\n  UpdatedAt: 2026-11-20 06:12:44 +0000 UTC\\n' );
	process.exit( 0 );
}
const fatal = ( message ) => {
	process.stderr.write( '2026-11-27T10:00:00Z\\tFATAL\\tFatal error\\t' + message + '\\n' );
	process.exit( 1 );
};
if ( args[ 0 ] !== 'image' ) fatal( 'unknown command ' + JSON.stringify( args[ 0 ] ) + ' for "trivy"' );
const option = ( name ) => { const i = args.indexOf( name ); return i > 0 ? args[ i + 1 ] : undefined; };
if ( option( '--format' ) !== 'json' || ! args.includes( '--quiet' ) ) fatal( 'unexpected arguments' );
const input = option( '--input' );
if ( ! input || ! fs.existsSync( input ) ) fatal( 'image scan error: scan error: unable to initialize a scanner: unable to initialize an image scanner: ' + input + ': no such file or directory' );
process.stdout.write( fs.readFileSync( ${ JSON.stringify( fixture ) } ) );
`;
}

describe( 'TrivyRunner against a stand-in trivy', () => {
	let dir: string;
	let trivy: string;
	let slowTrivy: string;
	let log: string;
	let archive: string;

	beforeAll( async () => {
		dir = await mkdtemp( path.join( tmpdir(), 'orbit-trivy-' ) );
		log = path.join( dir, 'calls.log' );
		trivy = path.join( dir, 'trivy' );
		slowTrivy = path.join( dir, 'slow-trivy' );
		archive = path.join( dir, 'image.tar' );
		await writeFile( trivy, standIn( log ) );
		// Starts a child of its own, which must be stopped with it.
		await writeFile(
			slowTrivy,
			`#!/bin/sh\nsleep 30 &\necho $! > ${ path.join( dir, 'child.pid' ) }\nwait\n`
		);
		await chmod( trivy, 0o755 );
		await chmod( slowTrivy, 0o755 );
		await writeFile( archive, 'not inspected by the stand-in' );
	} );

	afterAll( async () => {
		await rm( dir, { recursive: true, force: true } );
	} );

	it( 'reads the version line', async () => {
		const runner = new TrivyRunner( { path: trivy, timeoutMs: 10_000 } );
		await expect( runner.version() ).resolves.toBe( '0.58.1' );
	} );

	it( 'scans an archive and returns the report Trivy printed', async () => {
		const runner = new TrivyRunner( { path: trivy, timeoutMs: 10_000 } );
		const report = await runner.scanArchive( archive );
		expect( report ).toEqual(
			JSON.parse( readFileSync( fixture, 'utf8' ) )
		);
		const calls = ( await readFile( log, 'utf8' ) ).trim().split( '\n' );
		expect( JSON.parse( calls.at( -1 ) ?? '[]' ) ).toEqual( [
			'image',
			'--input',
			archive,
			'--format',
			'json',
			'--quiet',
		] );
	} );

	it( 'passes the server in client mode', async () => {
		const runner = new TrivyRunner( {
			path: trivy,
			serverUrl: 'http://127.0.0.1:24954',
			timeoutMs: 10_000,
		} );
		await runner.scanArchive( archive );
		const calls = ( await readFile( log, 'utf8' ) ).trim().split( '\n' );
		expect( JSON.parse( calls.at( -1 ) ?? '[]' ) ).toEqual(
			expect.arrayContaining( [ '--server', 'http://127.0.0.1:24954' ] )
		);
	} );

	it( 'turns a failed run into an error carrying Trivy’s message', async () => {
		const runner = new TrivyRunner( { path: trivy, timeoutMs: 10_000 } );
		const missing = path.join( dir, 'missing.tar' );
		await expect( runner.scanArchive( missing ) ).rejects.toThrow(
			/failed: .*image scan error.*missing\.tar: no such file/
		);
	} );

	it( 'says so when the executable does not exist', async () => {
		const runner = new TrivyRunner( {
			path: path.join( dir, 'no-trivy' ),
			timeoutMs: 10_000,
		} );
		await expect( runner.version() ).rejects.toMatchObject( {
			reason: 'spawn',
		} );
	} );

	it( 'stops a run at the time limit, with what it started', async () => {
		const runner = new TrivyRunner( { path: slowTrivy, timeoutMs: 500 } );
		const started = Date.now();
		const error = await runner.scanArchive( archive ).catch( ( e ) => e );
		expect( error ).toBeInstanceOf( TrivyError );
		expect( error ).toMatchObject( { reason: 'timeout' } );
		expect( ( error as Error ).message ).toMatch(
			/did not finish within 500 ms/
		);
		expect( Date.now() - started ).toBeLessThan( 5_000 );

		const childPid = Number(
			readFileSync( path.join( dir, 'child.pid' ), 'utf8' )
		);
		const alive = () => {
			const status = `/proc/${ childPid }/status`;
			return (
				existsSync( status ) &&
				! /^State:\s+Z/m.test( readFileSync( status, 'utf8' ) )
			);
		};
		for ( let i = 0; i < 20 && alive(); i++ ) {
			await new Promise( ( resolve ) => setTimeout( resolve, 50 ) );
		}
		expect( alive() ).toBe( false );
	} );
} );
