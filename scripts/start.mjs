/**
 * `npm start`: installs what is missing, starts the whole stack on its embedded defaults,
 * prints where everything is, restarts a service that crashes (one line each time), and
 * stops it all on Ctrl-C or SIGTERM. `npm start -- --reset` starts from empty data.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { StackError, red, step, yellow } from './lib/console.mjs';
import { resolveConfig } from './lib/config.mjs';
import { prepare } from './lib/prepare.mjs';
import { stackFile, startStack } from './lib/stack.mjs';
import { seedCatalog } from './lib/seed.mjs';
import { formatSummary } from './lib/summary.mjs';
import { Supervisor } from './lib/supervisor.mjs';

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

let supervisor;
const SUPERVISOR_COLOURS = {
	restarting: yellow,
	'no-answer': yellow,
	'given-up': red,
	back: ( line ) => line,
};

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
	const stopped = await supervisor.stop();
	step( `Stopped ${ stopped.length } processes` );
	process.exit( 0 );
}

try {
	const config = resolveConfig();
	supervisor = new Supervisor( {
		dataDir: config.dataDir,
		report: ( line, { kind } ) =>
			step( SUPERVISOR_COLOURS[ kind ]( line ) ),
	} );
	process.on( 'SIGINT', () => shutdown( 'SIGINT' ) );
	process.on( 'SIGTERM', () => shutdown( 'SIGTERM' ) );
	process.on( 'SIGHUP', () => shutdown( 'SIGHUP' ) );
	const coreDir = await prepare( config );
	const stack = await startStack( {
		config,
		supervisor,
		coreDir,
		reset: values.reset,
	} );
	supervisor.supervise();
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
