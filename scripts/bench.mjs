/**
 * `npm run bench`: runs the benchmarks in bench/, prints one table (value, baseline, ratio, goal,
 * ok) and writes artifacts/bench.json. Benchmarks that need the stack get one of their own,
 * started here on shifted ports with data in .orbit-bench/ and stopped at the end.
 *
 * Options:
 *   --only archive,catalog  run some benchmarks: archive, catalog, progress, deploy, upload, console-weight
 *   --smoke                 tiny sizes and one round: proves each benchmark's code path works
 *   --port-offset N         shift of the bench stack's ports (default ORBIT_BENCH_PORT_OFFSET or 20000)
 * With ORBIT_STACK_FILE set, the benchmarks use that running stack instead of starting one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { StackError, bold, green, red, step, yellow } from './lib/console.mjs';
import { repoRoot, resolveConfig } from './lib/config.mjs';
import { prepare } from './lib/prepare.mjs';
import { stopStack } from './lib/supervisor.mjs';
import { upTestStack } from './test-stack.mjs';

/** Each benchmark's name (for --only) and its module in bench/, in the order they run. */
const MODULES = {
	archive: 'archive-validation.mjs',
	catalog: 'catalog.mjs',
	progress: 'live-progress.mjs',
	deploy: 'deploy.mjs',
	upload: 'browser-upload.mjs',
	'console-weight': 'console-weight.mjs',
};
const BENCHMARKS = Object.keys( MODULES );

const { values: options } = parseArgs( {
	options: {
		only: { type: 'string' },
		smoke: { type: 'boolean', default: false },
		'port-offset': { type: 'string' },
	},
} );
const selected = options.only ? options.only.split( ',' ) : BENCHMARKS;
const unknown = selected.filter( ( name ) => ! BENCHMARKS.includes( name ) );
if ( unknown.length ) {
	process.stderr.write(
		`Unknown benchmark "${ unknown.join( '", "' ) }". Choose from: ${ BENCHMARKS.join( ', ' ) }\n`
	);
	process.exit( 2 );
}
const portOffset = Number(
	options[ 'port-offset' ] ?? process.env.ORBIT_BENCH_PORT_OFFSET ?? 20000
);
if (
	! Number.isInteger( portOffset ) ||
	portOffset < 0 ||
	portOffset > 50000
) {
	process.stderr.write(
		`--port-offset ${ portOffset } is not a port shift\n`
	);
	process.exit( 2 );
}

function formatNumber( number ) {
	if ( number === null || number === undefined ) {
		return '–';
	}
	return Math.abs( number ) >= 100 ? number.toFixed( 0 ) : String( number );
}

/** How a row's `ok` (true, false, or null when skipped) is shown. */
const VERDICTS = { true: 'ok', false: 'FAIL', null: 'skip' };
const COLOURS = { true: green, false: red, null: yellow };

function printTable( rows ) {
	const header = [
		'benchmark',
		'value',
		'unit',
		'baseline',
		'ratio',
		'goal',
		'ok',
	];
	const cells = rows.map( ( row ) => [
		row.name,
		formatNumber( row.value ),
		row.unit ?? '',
		formatNumber( row.baseline ),
		row.ratio === null ? '–' : `${ row.ratio }×`,
		row.goal ?? '',
		VERDICTS[ String( row.ok ) ],
	] );
	const widths = header.map( ( title, column ) =>
		Math.max(
			title.length,
			...cells.map( ( line ) => line[ column ].length )
		)
	);
	const line = ( texts ) =>
		texts
			.map( ( value, column ) =>
				column === 0 || column === 2 || column === 5
					? value.padEnd( widths[ column ] )
					: value.padStart( widths[ column ] )
			)
			.join( '  ' );
	process.stdout.write( `\n${ bold( line( header ) ) }\n` );
	cells.forEach( ( texts, index ) => {
		const colour = COLOURS[ String( rows[ index ].ok ) ];
		process.stdout.write( `${ colour( line( texts ) ) }\n` );
	} );
	for ( const row of rows.filter( ( { note } ) => note ) ) {
		process.stdout.write( `  ${ row.name }: ${ row.note }\n` );
	}
}

const modules = [];
for ( const name of selected ) {
	const { default: benchmark } = await import(
		path.join( repoRoot, 'bench', MODULES[ name ] )
	);
	modules.push( benchmark );
}
const needsStack = modules.some( ( benchmark ) => benchmark.needs?.stack );
const extraPrograms = Object.assign(
	{},
	...modules.map( ( benchmark ) => benchmark.needs?.programs ?? {} )
);

const tmpDir = fs.mkdtempSync( path.join( os.tmpdir(), 'orbit-bench-' ) );
const rows = [];
let ownStack;
let exitCode = 0;
try {
	const config = resolveConfig( {
		dataDir: '.orbit-bench',
		portOffset,
		env: {
			ORBIT_CACHE_DIR: process.env.ORBIT_CACHE_DIR,
			WP_CORE_DIR: process.env.WP_CORE_DIR,
		},
	} );
	let stack;
	if ( needsStack && process.env.ORBIT_STACK_FILE ) {
		await prepare( config, { forTests: true, extraPrograms } );
		stack = JSON.parse(
			fs.readFileSync( process.env.ORBIT_STACK_FILE, 'utf8' )
		);
	} else if ( needsStack ) {
		step( `Starting the bench stack (ports + ${ portOffset })` );
		ownStack = config;
		( { stack } = await upTestStack( { config, extraPrograms } ) );
	} else {
		await prepare( config, { forTests: true, extraPrograms } );
	}
	for ( const benchmark of modules ) {
		step( `${ benchmark.title }${ options.smoke ? ' (smoke)' : '' }` );
		const startedAt = Date.now();
		try {
			const measured = await benchmark.run( {
				repoRoot,
				tmpDir,
				stack,
				smoke: options.smoke,
				log: step,
			} );
			rows.push( ...measured );
			for ( const row of measured ) {
				step(
					`  ${ row.name }: ${ formatNumber( row.value ) } ${ row.unit ?? '' } vs ${ formatNumber( row.baseline ) } (${ row.ratio ?? '–' }×, goal ${ row.goal ?? '–' })${ row.note ? ` ${ row.note }` : '' }`
				);
			}
		} catch ( error ) {
			exitCode = 1;
			process.stderr.write(
				`${ red( `${ benchmark.name } failed:` ) } ${ error.stack }\n`
			);
			rows.push( {
				name: benchmark.name,
				value: null,
				unit: null,
				baseline: null,
				ratio: null,
				goal: null,
				ok: false,
				note: `error: ${ error.message.split( '\n' )[ 0 ] }`,
			} );
		}
		step(
			`  took ${ ( ( Date.now() - startedAt ) / 1000 ).toFixed( 1 ) } s`
		);
	}
} catch ( error ) {
	exitCode = 1;
	process.stderr.write(
		`\n${ red( 'bench stopped:' ) } ${ error instanceof StackError ? error.message : error.stack }\n`
	);
} finally {
	if ( ownStack ) {
		await stopStack( ownStack.dataDir );
	}
	fs.rmSync( tmpDir, { recursive: true, force: true } );
}

printTable( rows );
const artifacts = path.join( repoRoot, 'artifacts' );
fs.mkdirSync( artifacts, { recursive: true } );
fs.writeFileSync(
	// A smoke run's figures of tiny sizes must not overwrite a real run's.
	path.join( artifacts, options.smoke ? 'bench-smoke.json' : 'bench.json' ),
	`${ JSON.stringify( rows, null, 2 ) }\n`
);
// In a smoke run only a broken code path fails; the figures of tiny sizes mean nothing.
const belowGoal = rows.filter( ( row ) => row.ok === false );
process.exit( exitCode || ( ! options.smoke && belowGoal.length ) ? 1 : 0 );
