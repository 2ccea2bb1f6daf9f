/**
 * Starts the whole stack on one machine and describes it in <data dir>/stack.json.
 * `npm start`, the test-stack command and the tests all start it through startStack().
 */
import fs from 'node:fs';
import path from 'node:path';

import { StackError, seconds, step } from './console.mjs';
import { PORTS } from './config.mjs';
import { isAlive, isPortTaken, readPids } from './processes.mjs';
import { loadSecrets } from './secrets.mjs';
import { startBridge } from './services/bridge.mjs';
import { startGitops } from './services/gitops.mjs';
import { startMariadb } from './services/mariadb.mjs';
import { startNats } from './services/nats.mjs';
import { startRegistry } from './services/registry.mjs';
import { startDynamodb, startS3 } from './services/s3.mjs';
import { startWordpress } from './services/wordpress.mjs';
import { readSupervisorState, supervisorRunning } from './supervisor.mjs';

export function stackFile( dataDir ) {
	return path.join( dataDir, 'stack.json' );
}

async function assertPortsFree( config ) {
	for ( const [ name, port ] of Object.entries( config.ports ) ) {
		if ( await isPortTaken( port, config.host ) ) {
			const { variable, label } = PORTS[ name ];
			throw new StackError(
				`Port ${ port } (${ label }) is already in use by another program. ` +
					`Stop that program or choose another port, e.g. ${ variable }=${ port + 1 } npm start`
			);
		}
	}
}

function assertNotRunning( dataDir ) {
	const supervisor = readSupervisorState( dataDir );
	const running = Object.entries( {
		...( supervisorRunning( supervisor )
			? { supervisor: supervisor.pid }
			: {} ),
		...readPids( dataDir ),
	} ).filter( ( [ , pid ] ) => pid !== process.pid && isAlive( pid ) );
	if ( running.length > 0 ) {
		throw new StackError(
			`Orbit is already running from ${ dataDir } (${ running
				.map( ( [ name, pid ] ) => `${ name } pid ${ pid }` )
				.join( ', ' ) }). Stop it first with: npm run stop`
		);
	}
}

/**
 * Every file under the data directory is the owner's alone: passwords, session data and
 * password-reset links (mail.log) live there. The umask covers what the services create from
 * now on (children inherit it); the walk fixes what an older version left readable.
 *
 * @param {string} dataDir
 */
export function keepDataOwnerOnly( dataDir ) {
	/* eslint-disable no-bitwise -- file modes are bit masks */
	process.umask( 0o077 );
	fs.mkdirSync( dataDir, { recursive: true, mode: 0o700 } );
	const walk = ( target ) => {
		const stat = fs.lstatSync( target );
		if ( stat.isSymbolicLink() ) {
			return;
		}
		if ( ( stat.mode & 0o077 ) !== 0 ) {
			fs.chmodSync( target, stat.mode & 0o700 );
		}
		if ( stat.isDirectory() ) {
			for ( const entry of fs.readdirSync( target ) ) {
				walk( path.join( target, entry ) );
			}
		}
	};
	/* eslint-enable no-bitwise */
	walk( dataDir );
}

/** Empties the data directory but keeps the download cache that may live inside it. */
export function resetData( config ) {
	if ( ! fs.existsSync( config.dataDir ) ) {
		return;
	}
	for ( const entry of fs.readdirSync( config.dataDir ) ) {
		const full = path.join( config.dataDir, entry );
		if ( full !== config.cacheDir ) {
			fs.rmSync( full, { recursive: true, force: true } );
		}
	}
}

/**
 * @param {Object}   options
 * @param {Object}   options.config           From resolveConfig().
 * @param {Object}   options.supervisor       Runs the services (and restarts them once told to).
 * @param {Object}   [options.bridgeSettings] Extra ORBIT_* variables for the bridge.
 * @param {string[]} [options.bridgeEntry]    The bridge's program and arguments (else dist/server.js).
 * @param {string}   options.coreDir          WordPress core folder.
 * @param {boolean}  [options.reset]          Start from empty data (refused while the stack runs).
 * @param {string}   [options.trivyPath]      The Trivy CLI the bridge runs (else ORBIT_TRIVY_PATH).
 * @return {Promise<object>} The stack description (also written to stack.json).
 */
export async function startStack( {
	config,
	supervisor,
	bridgeSettings,
	bridgeEntry,
	coreDir,
	reset = false,
	trivyPath,
} ) {
	assertNotRunning( config.dataDir );
	if ( reset ) {
		step( `Resetting ${ config.dataDir }` );
		resetData( config );
	}
	await assertPortsFree( config );
	keepDataOwnerOnly( config.dataDir );
	fs.rmSync( stackFile( config.dataDir ), { force: true } );
	const secrets = await loadSecrets( config.dataDir );
	const context = { config, secrets, coreDir, supervisor };
	const startedAt = Date.now();
	try {
		step(
			'Starting MariaDB, NATS, S3, DynamoDB, the registry and the GitOps repository'
		);
		const [ mariadb, nats, s3, dynamodb, registry, gitops ] =
			await Promise.all( [
				startMariadb( context ),
				startNats( context ),
				startS3( context ),
				startDynamodb( context ),
				startRegistry( context ),
				startGitops( context ),
			] );
		step( 'Starting WordPress' );
		const wordpress = await startWordpress( { ...context, mariadb, nats } );
		step( 'Starting the rest-bridge' );
		const bridge = await startBridge( {
			...context,
			trivyPath,
			bridgeSettings,
			bridgeEntry,
			nats,
			s3,
			dynamodb,
			registry,
			gitops,
			wordpressUrl: wordpress.url,
		} );
		// What the services copied in with modes of their own (WordPress core links) is closed too.
		keepDataOwnerOnly( config.dataDir );
		const stack = {
			startedAt: new Date().toISOString(),
			dataDir: config.dataDir,
			logsDir: path.join( config.dataDir, 'logs' ),
			wordpress,
			mariadb,
			bridge,
			nats,
			s3,
			dynamodb,
			registry,
			gitops,
		};
		fs.writeFileSync(
			stackFile( config.dataDir ),
			JSON.stringify( stack, null, 2 ),
			{ mode: 0o600 }
		);
		step( `Stack up in ${ seconds( startedAt ) }` );
		return stack;
	} catch ( error ) {
		await supervisor.stop();
		throw error;
	}
}
