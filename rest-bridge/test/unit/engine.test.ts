import { describe, expect, it } from 'vitest';
import { remainingSteps } from '../../src/jobs/definition.js';
import { contiguousFrom } from '../../src/jobs/delivery.js';
import {
	handsBackUnknownJob,
	retryDelayMs,
	UNKNOWN_JOB_DELIVERIES,
} from '../../src/jobs/retry.js';
import type { BridgeEvent } from '../../src/events/event.js';

const step = ( name: string ) => ( { name, run: async () => null } );

function event( seq: number ): BridgeEvent {
	return {
		jobId: 'j',
		seq,
		name: `e${ seq }`,
		step: 's',
		outcome: 'succeeded',
		appName: 'a',
		environment: 'dev',
		actor: { id: 1, login: 'admin' },
		time: '2026-11-27T21:00:00.000Z',
		data: {},
	};
}

describe( 'job engine rules', () => {
	it( 'resumes after the last finished step, in the defined order', () => {
		const definition = {
			steps: [ step( 'a' ), step( 'b' ), step( 'c' ), step( 'd' ) ],
		};
		expect(
			remainingSteps( definition, {
				a: { status: 'done', runs: 1 },
				b: { status: 'done', runs: 1 },
				c: { status: 'running', runs: 1 },
				d: { status: 'pending', runs: 0 },
			} ).map( ( s ) => s.name )
		).toEqual( [ 'c', 'd' ] );
		expect(
			remainingSteps( definition, {} ).map( ( s ) => s.name )
		).toEqual( [ 'a', 'b', 'c', 'd' ] );
	} );

	it( 'delivers events only up to the first gap in seq', () => {
		expect(
			contiguousFrom( [ event( 3 ), event( 4 ), event( 6 ) ], 2 ).map(
				( e ) => e.seq
			)
		).toEqual( [ 3, 4 ] );
		expect( contiguousFrom( [ event( 5 ) ], 3 ) ).toEqual( [] );
		expect(
			contiguousFrom( [ event( 2 ), event( 1 ) ], 0 ).map(
				( e ) => e.seq
			)
		).toEqual( [ 1, 2 ] );
	} );

	it( 'hands a message for a job it does not know back, for a replica with other tables, then drops it', () => {
		expect( handsBackUnknownJob( 1 ) ).toBe( true );
		expect( handsBackUnknownJob( UNKNOWN_JOB_DELIVERIES - 1 ) ).toBe(
			true
		);
		expect( handsBackUnknownJob( UNKNOWN_JOB_DELIVERIES ) ).toBe( false );
	} );

	it( 'backs off exponentially up to a minute', () => {
		expect( [ 1, 2, 3, 4 ].map( retryDelayMs ) ).toEqual( [
			1000, 2000, 4000, 8000,
		] );
		expect( retryDelayMs( 30 ) ).toBe( 60_000 );
	} );
} );
