/**
 * What every benchmark shares: medians and percentiles, interleaved measured/baseline rounds,
 * CPU time and peak memory of a command, and the result rows bench.json holds.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export const MiB = 1024 * 1024;

export function percentile( values, fraction ) {
	if ( values.length === 0 ) {
		return NaN;
	}
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	const rank = Math.ceil( fraction * sorted.length ) - 1;
	return sorted[ Math.min( sorted.length - 1, Math.max( 0, rank ) ) ];
}

export const median = ( values ) => percentile( values, 0.5 );

/**
 * Runs the measured and the baseline functions alternately, the order swapping every round,
 * so that a machine busy for a while slows both alike.
 *
 * @param {number}                           rounds
 * @param {Record<string, () => Promise<T>>} runs   label → one run
 * @return {Promise<Record<string, T[]>>} label → results in order
 * @template T
 */
export async function interleave( rounds, runs ) {
	const labels = Object.keys( runs );
	const results = Object.fromEntries(
		labels.map( ( label ) => [ label, [] ] )
	);
	for ( let round = 0; round < rounds; round++ ) {
		const order = round % 2 === 0 ? labels : [ ...labels ].reverse();
		for ( const label of order ) {
			results[ label ].push( await runs[ label ]() );
		}
	}
	return results;
}

/** Where GNU time lives; it reports a child's CPU seconds and peak resident set. */
export const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command to completion under GNU time.
 *
 * @param {string}   command
 * @param {string[]} args
 * @return {Promise<{ wallSeconds: number, cpuSeconds: number, peakRssBytes: number, stdout: string }>} the figures
 */
export function timeCommand( command, args ) {
	return new Promise( ( resolve, reject ) => {
		const started = process.hrtime.bigint();
		const child = spawn(
			GNU_TIME,
			[ '-f', 'ORBIT-TIME %U %S %M', command, ...args ],
			{ stdio: [ 'ignore', 'pipe', 'pipe' ] }
		);
		const stdout = [];
		const stderr = [];
		child.stdout.on( 'data', ( chunk ) => stdout.push( chunk ) );
		child.stderr.on( 'data', ( chunk ) => stderr.push( chunk ) );
		child.on( 'error', reject );
		child.on( 'close', ( code ) => {
			const wallSeconds =
				Number( process.hrtime.bigint() - started ) / 1e9;
			const errors = Buffer.concat( stderr ).toString( 'utf8' );
			const figures = /ORBIT-TIME ([\d.]+) ([\d.]+) (\d+)/.exec( errors );
			if ( code !== 0 || ! figures ) {
				reject(
					new Error(
						`${ command } ${ args.join( ' ' ) } exited ${ code }: ${ errors.slice( -2000 ) }`
					)
				);
				return;
			}
			resolve( {
				wallSeconds,
				cpuSeconds: Number( figures[ 1 ] ) + Number( figures[ 2 ] ),
				peakRssBytes: Number( figures[ 3 ] ) * 1024,
				stdout: Buffer.concat( stdout ).toString( 'utf8' ),
			} );
		} );
	} );
}

/**
 * One line of the table and of bench.json.
 *
 * @param {Object}  row
 * @param {string}  row.name
 * @param {number}  row.value      the measured figure
 * @param {string}  row.unit
 * @param {number}  [row.baseline] the same figure for the baseline
 * @param {string}  row.goal       e.g. "≥ 0.8×", "≤ 100 MiB"
 * @param {boolean} row.ok         whether the goal is met
 * @param {number}  [row.ratio]    defaults to value / baseline
 * @param {string}  [row.note]
 * @return {Object} the row
 */
export function result( {
	name,
	value,
	unit,
	baseline,
	ratio,
	goal,
	ok,
	note,
} ) {
	const round = ( number ) =>
		typeof number === 'number' && Number.isFinite( number )
			? Number( number.toPrecision( 4 ) )
			: null;
	return {
		name,
		value: round( value ),
		unit,
		baseline: round( baseline ),
		ratio: round( ratio ?? ( baseline ? value / baseline : undefined ) ),
		goal,
		ok: Boolean( ok ),
		...( note ? { note } : {} ),
	};
}

/**
 * A benchmark that cannot run here, with the reason.
 *
 * @param {string} name
 * @param {string} reason
 * @return {Object} the row
 */
export function skipped( name, reason ) {
	return {
		name,
		value: null,
		unit: null,
		baseline: null,
		ratio: null,
		goal: null,
		ok: null,
		note: `skipped: ${ reason }`,
	};
}

export function freeDiskBytes( dir ) {
	const disk = fs.statfsSync( dir );
	return disk.bavail * disk.bsize;
}
