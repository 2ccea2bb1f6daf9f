/**
 * The stack the tests use: every port shifted by 10000 and data in .orbit-test/, so it runs
 * beside `npm start`. It runs in the background, supervised by a detached stack process
 * (scripts/stack-process.mjs). Usage: node scripts/test-stack.mjs up|down|status;
 * `up --faults` starts it as the fault matrix wants it (see FAULT_BRIDGE).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { StackError, red, step } from './lib/console.mjs';
import { TEST_PORT_OFFSET, repoRoot, resolveConfig } from './lib/config.mjs';
import { prepare } from './lib/prepare.mjs';
import { logTail } from './lib/processes.mjs';
import { resetData, stackFile } from './lib/stack.mjs';
import { formatStatus } from './lib/status.mjs';
import { stopStack } from './lib/supervisor.mjs';

export function testStackConfig() {
	return resolveConfig( {
		dataDir: process.env.ORBIT_TEST_DATA_DIR ?? '.orbit-test',
		// Another checkout's tests can run beside these with another offset.
		portOffset: Number(
			process.env.ORBIT_TEST_PORT_OFFSET ?? TEST_PORT_OFFSET
		),
		// The test stack ignores the developer's port and data variables.
		env: {
			ORBIT_CACHE_DIR: process.env.ORBIT_CACHE_DIR,
			WP_CORE_DIR: process.env.WP_CORE_DIR,
		},
	} );
}

/**
 * The fault matrix's bridge: the integration tests' paused bridge (the built server with a
 * 150 ms pause before each job step and event) puts each kill inside a job, and a short ack
 * wait lets a restarted bridge take over a killed one's job in seconds.
 */
export const FAULT_BRIDGE = {
	entry: [
		path.join(
			repoRoot,
			'rest-bridge',
			'test',
			'integration',
			'support',
			'paused-bridge.mjs'
		),
		'150',
	],
	settings: { ORBIT_JOB_ACK_WAIT_SECONDS: '4' },
};

/**
 * Starts the stack in a detached process that stays to supervise it; resolves with the stack
 * description once every service answers.
 */
function startInBackground( options ) {
	const { dataDir } = options.config;
	const logFile = path.join( dataDir, 'logs', 'stack-process.log' );
	fs.mkdirSync( path.dirname( logFile ), { recursive: true } );
	const log = fs.openSync( logFile, 'a' );
	const child = fork(
		path.join( repoRoot, 'scripts', 'stack-process.mjs' ),
		[ JSON.stringify( options ) ],
		{ detached: true, stdio: [ 'ignore', log, log, 'ipc' ] }
	);
	fs.closeSync( log );
	return new Promise( ( resolve, reject ) => {
		child.once( 'message', ( message ) => {
			child.removeAllListeners( 'exit' );
			child.unref();
			child.channel?.unref();
			if ( message.ready ) {
				resolve( message.stack );
			} else {
				reject( new StackError( message.message ) );
			}
		} );
		child.once( 'exit', ( code, signal ) =>
			reject(
				new StackError(
					`The stack process ended (${ signal ?? `exit code ${ code }` }) before the stack was up. Its log (${ logFile }) ends with:\n${ logTail( logFile ) }`
				)
			)
		);
	} );
}

/**
 * Starts a fresh test stack and returns its description.
 *
 * @param {Object} [options]
 * @param {Object} [options.bridge]        `{entry, settings}`: another bridge program (and its
 *                                         arguments), extra ORBIT_* variables (see FAULT_BRIDGE).
 * @param {Object} [options.config]        From resolveConfig(); the benchmarks start theirs on other ports.
 * @param {Object} [options.extraPrograms] More programs to install (name → Debian package).
 */
export async function upTestStack( {
	bridge,
	config = testStackConfig(),
	extraPrograms = {},
} = {} ) {
	await stopStack( config.dataDir );
	const coreDir = await prepare( config, { forTests: true, extraPrograms } );
	resetData( config );
	// Trivy cannot run here: the test stack's bridge scans with a stand-in replaying a real report.
	const stack = await startInBackground( {
		config,
		coreDir,
		bridge,
		trivyPath:
			process.env.ORBIT_TRIVY_PATH ??
			path.join(
				repoRoot,
				'scripts',
				'test',
				'support',
				'trivy-replay.mjs'
			),
	} );
	return { stack, file: stackFile( config.dataDir ), config };
}

export async function downTestStack() {
	return stopStack( testStackConfig().dataDir );
}

if ( import.meta.url === `file://${ process.argv[ 1 ] }` ) {
	const command = process.argv[ 2 ];
	try {
		if ( command === 'up' ) {
			const { file } = await upTestStack( {
				bridge: process.argv.includes( '--faults' )
					? FAULT_BRIDGE
					: undefined,
			} );
			step( `Test stack up: ORBIT_STACK_FILE=${ file }` );
		} else if ( command === 'down' ) {
			const stopped = await downTestStack();
			step( `Stopped ${ stopped.length } processes` );
		} else if ( command === 'status' ) {
			const { text, healthy } = await formatStatus(
				testStackConfig().dataDir
			);
			process.stdout.write( text );
			process.exitCode = healthy ? 0 : 1;
		} else {
			process.stderr.write(
				'Usage: node scripts/test-stack.mjs up [--faults]|down|status\n'
			);
			process.exit( 2 );
		}
	} catch ( error ) {
		process.stderr.write(
			`${ red( 'Test stack failed:' ) } ${ error instanceof StackError ? error.message : error.stack }\n`
		);
		process.exit( 1 );
	}
}
