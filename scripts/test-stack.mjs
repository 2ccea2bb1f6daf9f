/**
 * The stack the tests use: every port shifted by 10000 and data in .orbit-test/, so it runs
 * beside `npm start`. Usage: node scripts/test-stack.mjs up|down
 */
import path from 'node:path';

import { StackError, red, step } from './lib/console.mjs';
import { TEST_PORT_OFFSET, repoRoot, resolveConfig } from './lib/config.mjs';
import { prepare } from './lib/prepare.mjs';
import { stopAll } from './lib/processes.mjs';
import { stackFile, startStack } from './lib/stack.mjs';

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

/** Starts a fresh test stack and returns its description. */
export async function upTestStack() {
	const config = testStackConfig();
	await stopAll( config.dataDir );
	const coreDir = await prepare( config, { forTests: true } );
	// Trivy cannot run here: the test stack's bridge scans with a stand-in replaying a real report.
	const stack = await startStack( {
		config,
		coreDir,
		reset: true,
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
	return stopAll( testStackConfig().dataDir );
}

if ( import.meta.url === `file://${ process.argv[ 1 ] }` ) {
	const command = process.argv[ 2 ];
	try {
		if ( command === 'up' ) {
			const { file } = await upTestStack();
			step( `Test stack up: ORBIT_STACK_FILE=${ file }` );
		} else if ( command === 'down' ) {
			const stopped = await downTestStack();
			step( `Stopped ${ stopped.length } processes` );
		} else {
			process.stderr.write(
				'Usage: node scripts/test-stack.mjs up|down\n'
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
