/**
 * The bridge process itself refuses to start with a signing secret anyone could read in the
 * repository (or one too short), and says how to make a real one without printing the secret.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

const server = path.resolve( __dirname, '../../dist/server.js' );
const runFile = promisify( execFile );

async function start( secret: string ) {
	try {
		await runFile( process.execPath, [ server ], {
			env: {
				PATH: process.env.PATH,
				ORBIT_BRIDGE_SECRET: secret,
				ORBIT_WORDPRESS_URL: 'http://127.0.0.1:9',
				ORBIT_BRIDGE_PORT: '0',
			},
			timeout: 20_000,
		} );
	} catch ( error ) {
		return error as { code: number; stderr: string };
	}
	throw new Error( 'the bridge started' );
}

describe( 'the bridge’s signing secret', () => {
	it( 'refuses to start with the example value from the kustomize examples', async () => {
		const example = 'example-only-signing-secret-not-for-real-use-0001';
		const refused = await start( example );
		expect( refused.code ).toBe( 2 );
		expect( refused.stderr ).toMatch(
			/ORBIT_BRIDGE_SECRET \(set\): is a published example value/
		);
		expect( refused.stderr ).toContain( 'openssl rand -hex 32' );
		expect( refused.stderr ).not.toContain( example );
	} );

	it( 'refuses to start with a secret shorter than 32 characters', async () => {
		const refused = await start( 'x'.repeat( 31 ) );
		expect( refused.code ).toBe( 2 );
		expect( refused.stderr ).toMatch( /at least 32 characters/ );
	} );
} );
