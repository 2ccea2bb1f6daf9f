/**
 * Secrets generated on the first run and kept in <data dir>/secrets.json (mode 0600),
 * so a restart keeps passwords, keys and logins.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const token = ( bytes = 24 ) =>
	crypto.randomBytes( bytes ).toString( 'base64url' );

const GENERATED = {
	bridgeSecret: () => token( 48 ),
	mariadbPassword: () => token(),
	// Operator, system account and Orbit account keys of NATS's operator mode (the bridge's build).
	natsAuthKeys: async () => {
		const { generateNatsAuthKeys } =
			await import( '../../rest-bridge/dist/nats-auth/server-auth.js' );
		return generateNatsAuthKeys();
	},
	registryHttpSecret: () => token(),
	wordpressSalts: () =>
		Object.fromEntries(
			[
				'AUTH_KEY',
				'SECURE_AUTH_KEY',
				'LOGGED_IN_KEY',
				'NONCE_KEY',
				'AUTH_SALT',
				'SECURE_AUTH_SALT',
				'LOGGED_IN_SALT',
				'NONCE_SALT',
			].map( ( name ) => [ name, token( 48 ) ] )
		),
	userPasswords: () => ( {
		admin: token( 12 ),
		operator: token( 12 ),
		editor: token( 12 ),
	} ),
};

export async function loadSecrets( dataDir ) {
	const file = path.join( dataDir, 'secrets.json' );
	let secrets = {};
	if ( fs.existsSync( file ) ) {
		secrets = JSON.parse( fs.readFileSync( file, 'utf8' ) );
	}
	let changed = false;
	for ( const [ name, generate ] of Object.entries( GENERATED ) ) {
		if ( secrets[ name ] === undefined ) {
			secrets[ name ] = await generate();
			changed = true;
		}
	}
	if ( changed ) {
		saveSecrets( dataDir, secrets );
	}
	return secrets;
}

export function saveSecrets( dataDir, secrets ) {
	fs.mkdirSync( dataDir, { recursive: true } );
	fs.writeFileSync(
		path.join( dataDir, 'secrets.json' ),
		JSON.stringify( secrets, null, 2 ),
		{
			mode: 0o600,
		}
	);
}
