/**
 * On a machine where the stack cannot install what it needs, it says exactly what to install.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const scriptsLib = path.resolve( __dirname, '..', '..', 'lib' );
const canDropPrivileges =
	process.getuid?.() === 0 &&
	spawnSync( 'setpriv', [ '--version' ] ).status === 0;

describe( 'installing system packages', () => {
	it.skipIf( ! canDropPrivileges )(
		'stops a user who is not root with the list of packages to install',
		() => {
			// A PATH with Node and a shell only: every program the stack runs is missing.
			const bin = fs.mkdtempSync(
				path.join( os.tmpdir(), 'orbit-bare-path-' )
			);
			fs.symlinkSync( process.execPath, path.join( bin, 'node' ) );
			fs.symlinkSync( '/bin/sh', path.join( bin, 'sh' ) );
			fs.chmodSync( bin, 0o755 );
			// A copy the unprivileged user can read wherever the checkout lives.
			const lib = path.join( bin, 'lib' );
			fs.cpSync( scriptsLib, lib, { recursive: true } );
			spawnSync( 'chmod', [ '-R', 'a+rX', lib ] );
			const installModule = path.join( lib, 'install.mjs' );
			try {
				const result = spawnSync(
					'setpriv',
					[
						'--reuid=65534',
						'--regid=65534',
						'--clear-groups',
						'env',
						`PATH=${ bin }`,
						'node',
						'--input-type=module',
						'-e',
						`import( ${ JSON.stringify( installModule ) } ).then( ( m ) => m.ensureSystemPackages() )` +
							`.then( () => process.exit( 0 ), ( e ) => { console.error( e.message ); process.exit( 3 ); } );`,
					],
					{ encoding: 'utf8' }
				);
				expect( result.status ).toBe( 3 );
				expect( result.stderr ).toContain(
					'can only be installed automatically as root on Debian or Ubuntu'
				);
				for ( const pkg of [
					'php-cli',
					'php-mysql',
					'git',
					'umoci',
					'skopeo',
				] ) {
					expect( result.stderr ).toMatch(
						new RegExp(
							`apt-get install [a-z0-9 -]*\\b${ pkg }\\b`
						)
					);
				}
			} finally {
				fs.rmSync( bin, { recursive: true, force: true } );
			}
		}
	);
} );
