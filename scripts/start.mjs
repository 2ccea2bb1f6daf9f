/**
 * `npm start`: installs what is missing, starts the whole stack on its embedded defaults,
 * prints where everything is, and stops it all on Ctrl-C or SIGTERM.
 * `npm start -- --reset` starts from empty data.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { StackError, red, step } from './lib/console.mjs';
import { resolveConfig } from './lib/config.mjs';
import { prepare } from './lib/prepare.mjs';
import { stopAll } from './lib/processes.mjs';
import { stackFile, startStack } from './lib/stack.mjs';
import { seedCatalog } from './lib/seed.mjs';
import { formatSummary } from './lib/summary.mjs';

const { values } = parseArgs( {
	options: {
		reset: { type: 'boolean', default: false },
		help: { type: 'boolean', default: false },
	},
} );

if ( values.help ) {
	process.stdout.write(
		'Usage: npm start [-- --reset]\n\n  --reset  start from empty data (keeps downloaded WordPress core)\n\n' +
			'Ports: ORBIT_WP_PORT, ORBIT_MARIADB_PORT, ORBIT_NATS_PORT, ORBIT_NATS_WS_PORT, ORBIT_S3_PORT,\n' +
			'ORBIT_DYNAMODB_PORT, ORBIT_REGISTRY_PORT, ORBIT_GITOPS_PORT, ORBIT_BRIDGE_PORT. Data: ORBIT_DATA_DIR.\n'
	);
	process.exit( 0 );
}

let config;

/** The current parent process (Node's process.ppid is fixed at start). */
function parentPid() {
	try {
		const stat = fs.readFileSync( '/proc/self/stat', 'utf8' );
		return Number(
			stat.slice( stat.lastIndexOf( ')' ) + 2 ).split( ' ' )[ 1 ]
		);
	} catch {
		return process.ppid;
	}
}
let stopping = false;

async function shutdown( signal ) {
	if ( stopping ) {
		return;
	}
	stopping = true;
	step( `${ signal }: stopping Orbit` );
	const stopped = await stopAll( config.dataDir );
	step( `Stopped ${ stopped.length } processes` );
	process.exit( 0 );
}

try {
	config = resolveConfig();
	process.on( 'SIGINT', () => shutdown( 'SIGINT' ) );
	process.on( 'SIGTERM', () => shutdown( 'SIGTERM' ) );
	process.on( 'SIGHUP', () => shutdown( 'SIGHUP' ) );
	const coreDir = await prepare( config );
	const stack = await startStack( { config, coreDir, reset: values.reset } );
	await seedCatalog( stack );
	process.stdout.write(
		formatSummary( stack, stackFile( config.dataDir ) ) + '\n'
	);
	// npm does not pass SIGTERM on to its script: when npm goes away, so do we.
	const parentAtStart = parentPid();
	setInterval( () => {
		if ( parentPid() !== parentAtStart ) {
			shutdown( 'npm exited' );
		}
	}, 250 );
} catch ( error ) {
	process.stderr.write(
		`\n${ red( 'Orbit did not start:' ) } ${ error instanceof StackError ? error.message : error.stack }\n`
	);
	process.exit( 1 );
}
