/**
 * MariaDB with a private data directory, listening on 127.0.0.1 and a socket of its own.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { run } from '../run.mjs';
import { canConnect, waitUntil } from '../processes.mjs';

export const DATABASE = 'orbit';
export const DATABASE_USER = 'orbit';

/** Unix socket paths are limited to about 100 bytes; long data paths get a socket in the temp folder. */
function socketPath( dir ) {
	const inside = path.join( dir, 'mariadb.sock' );
	if ( inside.length < 100 ) {
		return inside;
	}
	const hash = crypto
		.createHash( 'sha256' )
		.update( dir )
		.digest( 'hex' )
		.slice( 0, 12 );
	return path.join( os.tmpdir(), `orbit-mariadb-${ hash }.sock` );
}

/** MariaDB sets its own file modes (0660 by default); these keep its files owner-only. */
const OWNER_ONLY = { ...process.env, UMASK: '0600', UMASK_DIR: '0700' };

export async function startMariadb( { config, secrets, supervisor } ) {
	const dir = path.join( config.dataDir, 'mariadb' );
	const dataDir = path.join( dir, 'data' );
	const socket = socketPath( dir );
	const port = config.ports.mariadb;
	if ( ! fs.existsSync( path.join( dataDir, 'mysql' ) ) ) {
		fs.mkdirSync( dataDir, { recursive: true } );
		await run(
			'mariadb-install-db',
			[
				'--no-defaults',
				`--datadir=${ dataDir }`,
				'--user=root',
				'--auth-root-authentication-method=socket',
				'--skip-test-db',
			],
			{ env: OWNER_ONLY }
		);
	}
	const service = supervisor.start( {
		name: 'mariadb',
		health: { host: config.host, port },
		command: 'mariadbd',
		args: [
			'--no-defaults',
			`--datadir=${ dataDir }`,
			`--socket=${ socket }`,
			`--port=${ port }`,
			'--bind-address=127.0.0.1',
			`--pid-file=${ path.join( dir, 'mariadbd.pid' ) }`,
			'--user=root',
			'--skip-log-bin',
			'--skip-name-resolve',
			'--innodb-buffer-pool-size=128M',
		],
		env: OWNER_ONLY,
	} );
	await waitUntil( {
		label: 'MariaDB',
		service,
		check: () => canConnect( port ),
	} );
	const password = secrets.mariadbPassword;
	const sql = [
		`CREATE DATABASE IF NOT EXISTS \`${ DATABASE }\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
		...[ '127.0.0.1', 'localhost' ].flatMap( ( host ) => [
			`CREATE USER IF NOT EXISTS '${ DATABASE_USER }'@'${ host }' IDENTIFIED BY '${ password }';`,
			`ALTER USER '${ DATABASE_USER }'@'${ host }' IDENTIFIED BY '${ password }';`,
			`GRANT ALL PRIVILEGES ON \`${ DATABASE }\`.* TO '${ DATABASE_USER }'@'${ host }';`,
		] ),
	].join( '\n' );
	await run(
		'mariadb',
		[ '--no-defaults', `--socket=${ socket }`, '-uroot' ],
		{ input: sql }
	);
	return {
		host: config.host,
		port,
		socket,
		database: DATABASE,
		user: DATABASE_USER,
		password,
	};
}
