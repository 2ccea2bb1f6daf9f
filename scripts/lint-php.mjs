/**
 * `npm run lint:php`: `php -l` over every PHP file of the project.
 */
import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from './lib/config.mjs';
import { run } from './lib/run.mjs';

const ROOTS = [ 'plugin', 'blocks/src', 'scripts' ];
const SKIP = new Set( [ 'node_modules', 'build', 'vendor' ] );

function phpFiles( dir ) {
	if ( ! fs.existsSync( dir ) ) {
		return [];
	}
	return fs
		.readdirSync( dir, { withFileTypes: true } )
		.flatMap( ( entry ) => {
			const full = path.join( dir, entry.name );
			if ( entry.isDirectory() ) {
				return SKIP.has( entry.name ) ? [] : phpFiles( full );
			}
			return entry.name.endsWith( '.php' ) ? [ full ] : [];
		} );
}

const files = ROOTS.flatMap( ( root ) =>
	phpFiles( path.join( repoRoot, root ) )
);
const failures = [];
for ( const file of files ) {
	const result = await run( 'php', [ '-l', file ], { allowFailure: true } );
	if ( result.code !== 0 ) {
		failures.push(
			`${ path.relative( repoRoot, file ) }: ${ ( result.stderr || result.stdout ).trim() }`
		);
	}
}
if ( failures.length > 0 ) {
	process.stderr.write( `${ failures.join( '\n' ) }\n` );
	process.exit( 1 );
}
process.stdout.write( `php -l: ${ files.length } files, no syntax errors\n` );
