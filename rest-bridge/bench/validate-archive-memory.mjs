/**
 * Peak memory of `orbit-bridge validate-image` on a large archive, against
 * baselines measured in the same run on the same file: an idle Node process,
 * and plain streaming sha256 of the file (the least any validator must do).
 *
 * ORBIT_BENCH_ARCHIVE_MIB sets the random data in the archive (default 1024).
 * Fails when validation peaks at 150 MB resident or more.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	watchPeakRss,
	writeLargeDockerArchive,
} from '../test/support/archives-large.mjs';

const MiB = 1024 * 1024;
/** 150 MB, decimal: the stricter reading of the requirement. */
const RSS_LIMIT = 150_000_000;
const dataMiB = Number( process.env.ORBIT_BENCH_ARCHIVE_MIB ?? 1024 );
const bin = fileURLToPath(
	new URL( '../bin/orbit-bridge.mjs', import.meta.url )
);

const disk = statfsSync( tmpdir() );
if ( disk.bavail * disk.bsize < dataMiB * MiB + 2048 * MiB ) {
	console.log(
		`validate-archive-memory: skipped, not enough free disk in ${ tmpdir() } for a ${ dataMiB } MiB archive`
	);
	process.exit( 0 );
}

async function measure( label, args ) {
	const started = process.hrtime.bigint();
	const child = spawn( process.execPath, args, {
		stdio: [ 'ignore', 'pipe', 'pipe' ],
	} );
	const outcome = await watchPeakRss( child );
	const seconds = Number( process.hrtime.bigint() - started ) / 1e9;
	if ( outcome.code !== 0 ) {
		throw new Error(
			`${ label } exited ${ outcome.code }: ${ outcome.stderr }`
		);
	}
	return { label, peak: outcome.peakRssBytes, seconds };
}

const dir = mkdtempSync( path.join( tmpdir(), 'orbit-bench-' ) );
try {
	const archive = await writeLargeDockerArchive(
		path.join( dir, 'large.tar' ),
		dataMiB * MiB
	);
	const hashScript = `const h = require( 'node:crypto' ).createHash( 'sha256' );
require( 'node:fs' ).createReadStream( process.argv[ 1 ] )
	.on( 'data', ( c ) => h.update( c ) )
	.on( 'end', () => process.stdout.write( h.digest( 'hex' ) ) );`;
	const idle = await measure( 'node, idle', [ '-e', '' ] );
	const sha = await measure( 'node, sha256 stream', [
		'-e',
		hashScript,
		archive.file,
	] );
	const validate = await measure( 'orbit-bridge validate-image', [
		bin,
		'validate-image',
		archive.file,
		'--json',
	] );

	console.log(
		`validate-archive-memory: ${ dataMiB } MiB of random data in one layer`
	);
	for ( const row of [ idle, sha, validate ] ) {
		console.log(
			`  ${ row.label.padEnd( 30 ) } peak RSS ${ ( row.peak / MiB ).toFixed( 1 ).padStart( 7 ) } MiB` +
				`  ×${ ( row.peak / sha.peak ).toFixed( 2 ) } of sha256` +
				`  ${ row.seconds.toFixed( 2 ).padStart( 6 ) } s` +
				( row === idle
					? ''
					: `  ${ ( dataMiB / row.seconds ).toFixed( 0 ).padStart( 5 ) } MiB/s` )
		);
	}
	console.log(
		`  validation above the sha256 baseline: ${ ( ( validate.peak - sha.peak ) / MiB ).toFixed( 1 ) } MiB; limit ${ ( RSS_LIMIT / MiB ).toFixed( 1 ) } MiB (150 MB)`
	);
	if ( validate.peak >= RSS_LIMIT ) {
		console.error(
			'validate-archive-memory: FAILED, peak RSS at or above the limit'
		);
		process.exitCode = 1;
	}
} finally {
	rmSync( dir, { recursive: true, force: true } );
}
