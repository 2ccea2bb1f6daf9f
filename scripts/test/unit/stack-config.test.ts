/**
 * How the stack reads its settings and writes configuration files for the services.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

// @ts-expect-error -- plain ESM scripts without type declarations.
import { PORTS, resolveConfig } from '../../lib/config.mjs';
// @ts-expect-error -- plain ESM scripts without type declarations.
import { wpConfig } from '../../lib/services/wordpress.mjs';

describe( 'resolveConfig', () => {
	it( 'uses the embedded default ports, shifted for the test stack', () => {
		const config = resolveConfig( { env: {}, portOffset: 10000 } );
		expect( config.ports.wordpress ).toBe( 18080 );
		expect( config.ports.bridge ).toBe( 18787 );
		expect( Object.keys( config.ports ) ).toEqual( Object.keys( PORTS ) );
		expect( new Set( Object.values( config.ports ) ).size ).toBe(
			Object.keys( PORTS ).length
		);
	} );

	it( 'lets a variable override one port', () => {
		const config = resolveConfig( { env: { ORBIT_WP_PORT: '9090' } } );
		expect( config.ports.wordpress ).toBe( 9090 );
		expect( config.ports.mariadb ).toBe( 3307 );
	} );

	it( 'rejects a port that is not one, naming the variable', () => {
		expect( () =>
			resolveConfig( { env: { ORBIT_NATS_PORT: 'eighty' } } )
		).toThrow( /ORBIT_NATS_PORT=eighty is not a port/ );
		expect( () =>
			resolveConfig( { env: { ORBIT_S3_PORT: '70000' } } )
		).toThrow( /ORBIT_S3_PORT/ );
	} );
} );

describe( 'wp-config.php', () => {
	it( 'is valid PHP that defines exactly the values given, whatever characters they hold', () => {
		const awkward = `it's a \\ "secret" $with {braces}`;
		const source = wpConfig( {
			url: 'http://127.0.0.1:8080',
			mariadb: {
				database: 'orbit',
				user: 'orbit',
				password: awkward,
				host: '127.0.0.1',
				port: 3307,
			},
			secrets: {
				wordpressSalts: { AUTH_KEY: awkward },
				bridgeSecret: 'b'.repeat( 48 ),
			},
			bridgeUrl: 'http://127.0.0.1:8787',
			nats: {
				websocketUrl: 'ws://127.0.0.1:4223',
			},
			logFile: '/tmp/debug.log',
		} );
		const dir = fs.mkdtempSync(
			path.join( os.tmpdir(), 'orbit-wp-config-' )
		);
		try {
			// Load the file without WordPress: ABSPATH points at a stub wp-settings.php.
			fs.writeFileSync( path.join( dir, 'wp-settings.php' ), '<?php' );
			fs.writeFileSync( path.join( dir, 'wp-config.php' ), source );
			const printed = execFileSync(
				'php',
				[
					'-r',
					`require '${ dir }/wp-config.php'; echo json_encode( [ DB_PASSWORD, AUTH_KEY, DB_HOST, WP_HTTP_BLOCK_EXTERNAL ] );`,
				],
				{ encoding: 'utf8' }
			);
			expect( JSON.parse( printed ) ).toEqual( [
				awkward,
				awkward,
				'127.0.0.1:3307',
				true,
			] );
		} finally {
			fs.rmSync( dir, { recursive: true, force: true } );
		}
	} );
} );
