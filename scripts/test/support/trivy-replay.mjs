#!/usr/bin/env node
/**
 * A stand-in for the Trivy CLI in the test stack, where Trivy cannot run (it needs its
 * vulnerability database from the internet). It speaks the CLI's interface — `--version`,
 * and `image --input FILE --format json` printing a report — and answers with a real report
 * Trivy produced (Trivy's own golden output for Alpine 3.9), so everything downstream handles
 * real data. It never pretends the archive was inspected: the report names its own image.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'..',
	'..',
	'..'
);
export const REPLAYED_REPORT = path.join(
	repoRoot,
	'..',
	'shared',
	'fixtures',
	'trivy',
	'alpine-39.json'
);

const args = process.argv.slice( 2 );
if ( args[ 0 ] === '--version' ) {
	process.stdout.write(
		'Version: 0.0.0-replay\nVulnerability DB:\n  Version: 2\n'
	);
	process.exit( 0 );
}
const input = args[ args.indexOf( '--input' ) + 1 ];
if (
	args[ 0 ] !== 'image' ||
	! args.includes( '--input' ) ||
	! input ||
	! fs.existsSync( input )
) {
	process.stderr.write(
		'FATAL: usage: trivy image --input ARCHIVE --format json\n'
	);
	process.exit( 1 );
}
process.stdout.write( fs.readFileSync( REPLAYED_REPORT, 'utf8' ) );
