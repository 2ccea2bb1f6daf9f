/**
 * Runs every benchmark in rest-bridge/bench/*.mjs, one after another in its
 * own process (so memory figures do not mix), after building rest-bridge so
 * the benchmarks measure the current code. Exits non-zero if any fails.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'..'
);
const benchDir = path.join( root, 'rest-bridge', 'bench' );

const build = spawnSync( 'npx', [ 'tsc', '--build', 'rest-bridge' ], {
	cwd: root,
	stdio: 'inherit',
} );
if ( build.status !== 0 ) {
	console.error( 'bench: rest-bridge does not build; fix that first' );
	process.exit( 1 );
}

const benches = readdirSync( benchDir )
	.filter( ( name ) => name.endsWith( '.mjs' ) )
	.sort();
const failed = benches.filter( ( name ) => {
	const { status } = spawnSync(
		process.execPath,
		[ path.join( benchDir, name ) ],
		{
			cwd: root,
			stdio: 'inherit',
		}
	);
	return status !== 0;
} );
console.log(
	`bench: ${ benches.length - failed.length }/${ benches.length } passed${ failed.length ? ` (failed: ${ failed.join( ', ' ) })` : '' }`
);
process.exitCode = failed.length ? 1 : 0;
