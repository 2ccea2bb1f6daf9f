/**
 * `npm test`: builds everything, runs every suite and ends with one line
 * `N passed, N failed[, N skipped]`.
 *
 * Order: install → build and type-check → lint → unit and UI tests → start the test stack
 * (ports + 10000, data in .orbit-test/) → integration tests, PHP tests, end-to-end tests in
 * Chromium → a smoke run of every benchmark (`npm run bench -- --smoke`) → stop the stack → the
 * fault matrix on a stack of its own (its bridge pausing before every job step and event so that
 * kills land inside jobs) → stop it. `npm test -- --only unit,integration` runs some suites.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { StackError, bold, green, red, seconds, step } from './lib/console.mjs';
import { repoRoot } from './lib/config.mjs';
import { run } from './lib/run.mjs';
import {
	FAULT_BRIDGE,
	downTestStack,
	testStackConfig,
	upTestStack,
} from './test-stack.mjs';
import { prepare } from './lib/prepare.mjs';

const SUITES = [
	'build',
	'lint',
	'unit',
	'integration',
	'php',
	'e2e',
	'bench-smoke',
	'faults',
];

const { values } = parseArgs( { options: { only: { type: 'string' } } } );
const selected = new Set( values.only ? values.only.split( ',' ) : SUITES );
for ( const suite of selected ) {
	if ( ! SUITES.includes( suite ) ) {
		process.stderr.write(
			`Unknown suite "${ suite }". Choose from: ${ SUITES.join( ', ' ) }\n`
		);
		process.exit( 2 );
	}
}

const artifacts = path.join( repoRoot, 'artifacts' );
fs.mkdirSync( artifacts, { recursive: true } );

/** Per suite: passed, failed, skipped. */
const results = [];

function record( suite, counts, startedAt ) {
	results.push( { suite, passed: 0, failed: 0, skipped: 0, ...counts } );
	const { passed = 0, failed = 0, skipped = 0 } = counts;
	const line = `${ suite }: ${ passed } passed, ${ failed } failed${ skipped ? `, ${ skipped } skipped` : '' }`;
	step( failed ? red( line ) : green( line ) );
	if ( startedAt ) {
		step( `${ suite } took ${ seconds( startedAt ) }` );
	}
}

/** A check that is one command: passed when it exits 0. */
async function check( suite, command, args, env ) {
	const startedAt = Date.now();
	const result = await run( command, args, {
		cwd: repoRoot,
		inherit: true,
		allowFailure: true,
		env,
	} );
	record(
		suite,
		result.code === 0 ? { passed: 1 } : { failed: 1 },
		startedAt
	);
}

function readJson( file ) {
	try {
		return JSON.parse( fs.readFileSync( file, 'utf8' ) );
	} catch {
		return undefined;
	}
}

async function vitest( suite, projects, env ) {
	const report = path.join( artifacts, `vitest-${ suite }.json` );
	fs.rmSync( report, { force: true } );
	const startedAt = Date.now();
	const result = await run(
		'npx',
		[
			'vitest',
			'run',
			...projects.flatMap( ( project ) => [ '--project', project ] ),
			'--reporter=default',
			'--reporter=json',
			`--outputFile.json=${ report }`,
			'--passWithNoTests',
		],
		{ cwd: repoRoot, inherit: true, allowFailure: true, env }
	);
	const json = readJson( report );
	if ( ! json ) {
		record( suite, { failed: 1 }, startedAt );
	} else {
		record(
			suite,
			{
				passed: json.numPassedTests,
				failed:
					json.numFailedTests +
					( result.code !== 0 && json.numFailedTests === 0 ? 1 : 0 ),
				skipped: json.numPendingTests + json.numTodoTests,
			},
			startedAt
		);
	}
}

async function phpunit( env ) {
	const config = path.join(
		repoRoot,
		'plugin',
		'k8or-orbit',
		'phpunit.xml.dist'
	);
	if ( ! fs.existsSync( config ) ) {
		return;
	}
	const report = path.join( artifacts, 'phpunit.xml' );
	fs.rmSync( report, { force: true } );
	const startedAt = Date.now();
	const result = await run(
		'phpunit',
		[ '-c', config, '--log-junit', report ],
		{
			cwd: repoRoot,
			inherit: true,
			allowFailure: true,
			env,
		}
	);
	const xml = fs.existsSync( report )
		? fs.readFileSync( report, 'utf8' )
		: '';
	const suiteTag = /<testsuite\b[^>]*>/.exec( xml )?.[ 0 ];
	if ( ! suiteTag ) {
		record( 'php', { failed: 1 }, startedAt );
		return;
	}
	const attribute = ( name ) =>
		Number(
			new RegExp( `\\b${ name }="(\\d+)"` ).exec( suiteTag )?.[ 1 ] ?? 0
		);
	const failed = attribute( 'failures' ) + attribute( 'errors' );
	const skipped = attribute( 'skipped' );
	record(
		'php',
		{
			passed: attribute( 'tests' ) - failed - skipped,
			failed: failed + ( result.code !== 0 && failed === 0 ? 1 : 0 ),
			skipped,
		},
		startedAt
	);
}

async function playwright( env ) {
	const report = path.join( artifacts, 'playwright.json' );
	fs.rmSync( report, { force: true } );
	const startedAt = Date.now();
	const result = await run(
		'npx',
		[ 'playwright', 'test', '--config', 'e2e/playwright.config.ts' ],
		{
			cwd: repoRoot,
			inherit: true,
			allowFailure: true,
			env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
		}
	);
	const json = readJson( report );
	if ( ! json?.stats ) {
		record( 'e2e', { failed: 1 }, startedAt );
		return;
	}
	const { expected, unexpected, skipped, flaky } = json.stats;
	record(
		'e2e',
		{
			passed: expected + flaky,
			failed:
				unexpected + ( result.code !== 0 && unexpected === 0 ? 1 : 0 ),
			skipped,
		},
		startedAt
	);
}

const startedAt = Date.now();
let exitCode = 0;
try {
	const config = testStackConfig();
	await prepare( config, { forTests: true } );
	if ( selected.has( 'build' ) ) {
		await check( 'build', 'npx', [ 'tsc', '--build' ] );
	}
	if ( selected.has( 'lint' ) ) {
		await check( 'lint', 'npm', [ 'run', '--silent', 'lint' ] );
	}
	if ( selected.has( 'unit' ) ) {
		await vitest( 'unit', [ 'unit', 'ui' ] );
	}
	const needsStack = [ 'integration', 'php', 'e2e', 'bench-smoke' ].some(
		( suite ) => selected.has( suite )
	);
	if ( needsStack ) {
		step( 'Starting the test stack' );
		const { file, stack } = await upTestStack();
		const env = {
			...process.env,
			ORBIT_STACK_FILE: file,
			ORBIT_WP_PATH: stack.wordpress.path,
		};
		try {
			if ( selected.has( 'integration' ) ) {
				await vitest( 'integration', [ 'integration' ], env );
			}
			if ( selected.has( 'php' ) ) {
				await phpunit( env );
			}
			if ( selected.has( 'e2e' ) ) {
				await playwright( env );
			}
			// Last: it seeds the catalog and removes it again. Tiny sizes, so the benchmarks' code
			// cannot rot; the figures are `npm run bench`'s.
			if ( selected.has( 'bench-smoke' ) ) {
				await check(
					'bench-smoke',
					process.execPath,
					[ path.join( 'scripts', 'bench.mjs' ), '--smoke' ],
					env
				);
			}
		} finally {
			await downTestStack();
		}
	}
	if ( selected.has( 'faults' ) ) {
		step( 'Starting the test stack for the fault matrix' );
		const { file } = await upTestStack( { bridge: FAULT_BRIDGE } );
		try {
			await vitest( 'faults', [ 'faults' ], {
				...process.env,
				ORBIT_STACK_FILE: file,
			} );
		} finally {
			await downTestStack();
		}
	}
} catch ( error ) {
	process.stderr.write(
		`\n${ red( 'npm test stopped:' ) } ${ error instanceof StackError ? error.message : error.stack }\n`
	);
	record( 'setup', { failed: 1 } );
}

const total = results.reduce(
	( sum, { passed, failed, skipped } ) => ( {
		passed: sum.passed + passed,
		failed: sum.failed + failed,
		skipped: sum.skipped + skipped,
	} ),
	{ passed: 0, failed: 0, skipped: 0 }
);
if ( total.failed > 0 || total.passed === 0 ) {
	exitCode = 1;
}
process.stdout.write(
	`\n${ bold( `Finished in ${ seconds( startedAt ) }` ) }\n`
);
process.stdout.write(
	`${ total.passed } passed, ${ total.failed } failed${ total.skipped ? `, ${ total.skipped } skipped` : '' }\n`
);
process.exit( exitCode );
