/**
 * Running the built `orbit-bridge` command in tests. The tests spawn the real
 * bin, so the TypeScript is compiled first (serialised: test files run in
 * parallel and would otherwise write dist/ at the same time).
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'../../..'
);
export const CLI_BIN = path.join(
	REPO_ROOT,
	'rest-bridge',
	'bin',
	'orbit-bridge.mjs'
);

/** Compiles rest-bridge; fails if the command line or the code it runs does not compile. */
export function buildCli(): void {
	const result = spawnSync(
		'flock',
		[
			path.join( tmpdir(), 'orbit-rest-bridge-build.lock' ),
			'npx',
			'tsc',
			'--build',
			'rest-bridge',
		],
		{ cwd: REPO_ROOT, encoding: 'utf8' }
	);
	const ours = ( result.stdout + result.stderr )
		.split( '\n' )
		.filter( ( line ) => /src\/(cli|image\/|scan\/)/.test( line ) );
	if ( result.error || ours.length > 0 ) {
		throw new Error(
			`rest-bridge does not compile:\n${ ours.join( '\n' ) || result.error?.message }`
		);
	}
}
