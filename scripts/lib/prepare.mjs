/**
 * Everything before the services start: packages, npm dependencies, WordPress core, builds.
 */
import {
	ensureKustomize,
	ensureNodeModules,
	ensureSystemPackages,
	ensureWordPressCore,
} from './install.mjs';

export async function prepare(
	config,
	{ forTests = false, extraPrograms = {} } = {}
) {
	await ensureSystemPackages( { forTests, extra: extraPrograms } );
	await ensureNodeModules();
	const coreDir = await ensureWordPressCore( config );
	if ( forTests ) {
		await ensureKustomize( config );
	}
	// Imported only now: building needs the npm dependencies installed above.
	const { buildIfStale } = await import( './build.mjs' );
	await buildIfStale();
	return coreDir;
}
