/**
 * Archive validation (`orbit-bridge validate-image`) of a 1 GiB docker-archive against
 * `openssl dgst -sha256` of the same file: one hash pass with the CPU's SHA instructions is the
 * least any validator must do. Throughput is counted per CPU second (user + system), because on
 * a shared machine wall time measures the neighbours as much as the code; wall time is in the note.
 *
 * Each command's fixed cost (starting the process: about 0.1 CPU second for Node and the
 * validator's modules, a few milliseconds for openssl) is measured in the same run on a 1 MiB
 * archive and taken off both sides: the bridge validates uploads in its long-running process,
 * where that cost is paid once, not per archive. The whole-command ratio is in the note.
 * Also the validator's peak resident memory above an idle Node process.
 */
import fs from 'node:fs';
import path from 'node:path';

import {
	MiB,
	GNU_TIME,
	freeDiskBytes,
	interleave,
	median,
	result,
	skipped,
	timeCommand,
} from './lib/measure.mjs';

const GOAL_RATIO = 0.8;
const GOAL_RSS_MIB = 100;

export default {
	name: 'archive',
	title: 'Archive validation vs openssl sha256',
	needs: { programs: { openssl: 'openssl', [ GNU_TIME ]: 'time' } },
	async run( { repoRoot, tmpDir, smoke } ) {
		const dataMiB = smoke ? 4 : 1024;
		const startupMiB = 1;
		const rounds = smoke ? 1 : 5;
		if ( freeDiskBytes( tmpDir ) < ( dataMiB + 512 ) * MiB ) {
			return [
				skipped(
					'archive validation',
					`not enough free disk in ${ tmpDir } for a ${ dataMiB } MiB archive`
				),
			];
		}
		// Loaded on use: it needs the npm dependencies the runner installs first.
		const { writeLargeDockerArchive } =
			await import( '../rest-bridge/test/support/archives-large.mjs' );
		const archive = await writeLargeDockerArchive(
			path.join( tmpDir, 'large.tar' ),
			dataMiB * MiB
		);
		const small = await writeLargeDockerArchive(
			path.join( tmpDir, 'small.tar' ),
			startupMiB * MiB
		);
		try {
			const fileMiB = fs.statSync( archive.file ).size / MiB;
			const smallMiB = fs.statSync( small.file ).size / MiB;
			const bin = path.join(
				repoRoot,
				'rest-bridge',
				'bin',
				'orbit-bridge.mjs'
			);
			const validate = ( file ) =>
				timeCommand( process.execPath, [
					bin,
					'validate-image',
					file,
					'--json',
				] );
			const digest = ( file ) =>
				timeCommand( 'openssl', [ 'dgst', '-sha256', file ] );
			const runs = await interleave( rounds, {
				validation: () => validate( archive.file ),
				openssl: () => digest( archive.file ),
				validationStartup: () => validate( small.file ),
				opensslStartup: () => digest( small.file ),
				idle: () => timeCommand( process.execPath, [ '-e', '' ] ),
			} );
			const facts = JSON.parse( runs.validation[ 0 ].stdout );
			if ( facts.layers?.[ 0 ]?.diffId !== archive.layerDigest ) {
				throw new Error(
					`validate-image did not report the layer written (${ JSON.stringify( facts ).slice( 0, 300 ) })`
				);
			}
			const throughput = ( figures, key ) =>
				median( figures.map( ( run ) => fileMiB / run[ key ] ) );
			// MiB per CPU second beyond what the same command spends on a 1 MiB archive.
			const marginal = ( figures, startups ) => {
				const startup = median(
					startups.map( ( run ) => run.cpuSeconds )
				);
				return median(
					figures.map(
						( run ) =>
							( fileMiB - smallMiB ) /
							Math.max( run.cpuSeconds - startup, 0.01 )
					)
				);
			};
			const validation = marginal(
				runs.validation,
				runs.validationStartup
			);
			const openssl = marginal( runs.openssl, runs.opensslStartup );
			const wholeRatio =
				throughput( runs.validation, 'cpuSeconds' ) /
				throughput( runs.openssl, 'cpuSeconds' );
			const startupCpu = ( startups ) =>
				median( startups.map( ( run ) => run.cpuSeconds ) ).toFixed(
					2
				);
			const idleMiB = median(
				runs.idle.map( ( run ) => run.peakRssBytes / MiB )
			);
			const aboveIdle =
				median(
					runs.validation.map( ( run ) => run.peakRssBytes / MiB )
				) - idleMiB;
			return [
				result( {
					name: 'archive validation',
					value: validation,
					unit: 'MiB/CPU-s',
					baseline: openssl,
					goal: `≥ ${ GOAL_RATIO }×`,
					ok: validation / openssl >= GOAL_RATIO,
					note: `${ fileMiB.toFixed( 0 ) } MiB, median of ${ rounds }; start-up taken off: ${ startupCpu( runs.validationStartup ) } vs ${ startupCpu( runs.opensslStartup ) } CPU-s; whole commands ${ wholeRatio.toFixed( 2 ) }×; wall ${ throughput( runs.validation, 'wallSeconds' ).toFixed( 0 ) } vs ${ throughput( runs.openssl, 'wallSeconds' ).toFixed( 0 ) } MiB/s`,
				} ),
				result( {
					name: 'archive validation peak RSS above idle',
					value: aboveIdle,
					unit: 'MiB',
					baseline: idleMiB,
					ratio: aboveIdle / GOAL_RSS_MIB,
					goal: `≤ ${ GOAL_RSS_MIB } MiB`,
					ok: aboveIdle <= GOAL_RSS_MIB,
					note: 'baseline: idle Node; ratio: of the limit',
				} ),
			];
		} finally {
			fs.rmSync( archive.file, { force: true } );
			fs.rmSync( small.file, { force: true } );
		}
	},
};
