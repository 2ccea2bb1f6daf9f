/**
 * Another user of the machine reads nothing under the running stack's data directory: not
 * the logs, not mail.log with its password-reset links, not the secrets or the databases.
 */
/* eslint-disable no-bitwise -- file modes are bit masks */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

interface Stack {
	dataDir: string;
	wordpress: { url: string; users: { login: string; role: string }[] };
}

function loadStack(): Stack {
	const file = process.env.ORBIT_STACK_FILE;
	if ( ! file ) {
		throw new Error(
			'ORBIT_STACK_FILE is not set: start the test stack (node scripts/test-stack.mjs up)'
		);
	}
	return JSON.parse( fs.readFileSync( file, 'utf8' ) ) as Stack;
}

/** Every path under `root` that group or others may read, write or enter. */
function openToOthers( root: string ): string[] {
	const found: string[] = [];
	const walk = ( target: string ) => {
		const stat = fs.lstatSync( target );
		if ( stat.isSymbolicLink() ) {
			return;
		}
		if ( ( stat.mode & 0o077 ) !== 0 ) {
			found.push(
				`${ path.relative( root, target ) || '.' } ${ (
					stat.mode & 0o777
				).toString( 8 ) }`
			);
		}
		if ( stat.isDirectory() ) {
			for ( const entry of fs.readdirSync( target ) ) {
				walk( path.join( target, entry ) );
			}
		}
	};
	walk( root );
	return found;
}

describe( 'the data directory of the running stack', () => {
	it( 'keeps a password-reset mail and every other file owner-only', async () => {
		const stack = loadStack();
		const editor = stack.wordpress.users.find(
			( user ) => user.role === 'editor'
		)!;
		const mailLog = path.join( stack.dataDir, 'logs', 'mail.log' );
		const before = fs.existsSync( mailLog )
			? fs.statSync( mailLog ).size
			: 0;

		// What an attacker on the machine would do: ask for a reset link, then read the mail.
		const response = await fetch(
			`${ stack.wordpress.url }/wp-login.php?action=lostpassword`,
			{
				method: 'POST',
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
				},
				body: new URLSearchParams( {
					user_login: editor.login,
				} ).toString(),
				redirect: 'manual',
			}
		);
		expect( response.status ).toBe( 302 );
		for (
			let waited = 0;
			waited < 5_000 &&
			( ! fs.existsSync( mailLog ) ||
				fs.statSync( mailLog ).size === before );
			waited += 100
		) {
			await sleep( 100 );
		}
		const mail = fs.readFileSync( mailLog, 'utf8' ).slice( before );
		expect( mail ).toMatch( /wp-login\.php\?\S*key=\S+&action=rp/ );

		expect( fs.statSync( mailLog ).mode & 0o777 ).toBe( 0o600 );
		expect( openToOthers( stack.dataDir ) ).toEqual( [] );
	} );
} );
