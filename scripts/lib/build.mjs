/**
 * Builds what the stack runs (the bridge, the blocks, the admin app) when the sources are
 * newer than the build, so a second start does not rebuild.
 */
import fs from 'node:fs';
import path from 'node:path';

import { seconds, step } from './console.mjs';
import { repoRoot } from './config.mjs';
import { run } from './run.mjs';

function newestMtime( target ) {
	if ( ! fs.existsSync( target ) ) {
		return 0;
	}
	const stat = fs.statSync( target );
	if ( ! stat.isDirectory() ) {
		return stat.mtimeMs;
	}
	let newest = stat.mtimeMs;
	for ( const entry of fs.readdirSync( target ) ) {
		if ( entry !== 'node_modules' ) {
			newest = Math.max(
				newest,
				newestMtime( path.join( target, entry ) )
			);
		}
	}
	return newest;
}

const TARGETS = [
	{
		label: 'rest-bridge',
		sources: [
			'rest-bridge/src',
			'rest-bridge/tsconfig.json',
			'tsconfig.base.json',
		],
		output: 'rest-bridge/dist/server.js',
		command: [ 'npx', 'tsc', '--build', 'rest-bridge' ],
	},
	{
		label: 'blocks',
		sources: [ 'blocks/src', 'blocks/package.json' ],
		output: 'plugin/k8or-orbit/build/blocks',
		command: [ 'npm', 'run', 'build', '--workspace', 'blocks' ],
	},
	{
		label: 'admin app',
		sources: [ 'admin-app/src', 'admin-app/package.json' ],
		output: 'plugin/k8or-orbit/build/admin-app',
		command: [ 'npm', 'run', 'build', '--workspace', 'admin-app' ],
	},
];

export async function buildIfStale() {
	for ( const target of TARGETS ) {
		const sourceTime = Math.max(
			...target.sources.map( ( source ) =>
				newestMtime( path.join( repoRoot, source ) )
			)
		);
		const outputPath = path.join( repoRoot, target.output );
		if (
			fs.existsSync( outputPath ) &&
			newestMtime( outputPath ) >= sourceTime
		) {
			continue;
		}
		const startedAt = Date.now();
		step( `Building ${ target.label }` );
		const [ command, ...args ] = target.command;
		await run( command, args, { cwd: repoRoot } );
		step( `Built ${ target.label } in ${ seconds( startedAt ) }` );
	}
}
