import { describe, expect, it, vi } from 'vitest';
import {
	CallbackRefusedError,
	type CallbackAnswer,
} from '../../src/adapters/wordpress.js';
import type { NewDeadLetter } from '../../src/events/dead-letters.js';
import type { BridgeEvent } from '../../src/events/event.js';
import { CALLBACK_REFUSED, EventDelivery } from '../../src/jobs/delivery.js';
import { PermanentJobError } from '../../src/jobs/errors.js';
import { MemoryJobStore, newJobRecord } from '../support/memory-job-store.js';

function event( seq: number ): BridgeEvent {
	return {
		jobId: 'job-1',
		seq,
		name: `event-${ seq }`,
		step: 'first',
		outcome: 'succeeded',
		appName: 'hello-web',
		environment: 'dev',
		actor: { id: 1, login: 'admin' },
		time: '2026-11-27T21:00:00.000Z',
		data: {},
	};
}

/** The event log and WordPress, in memory: what was recorded and what arrived. */
function setUp(
	options: { failDeliveries?: number; refuseSeq?: number } = {}
) {
	const store = new MemoryJobStore();
	void store.createJob( newJobRecord( 'job-1' ) );
	const recorded: BridgeEvent[] = [];
	const received: number[][] = [];
	let failures = options.failDeliveries ?? 0;
	const attempts: number[][] = [];
	const letters: NewDeadLetter[] = [];
	const delivery = new EventDelivery( {
		store,
		events: {
			after: async ( jobId, afterSeq, limit ) =>
				recorded
					.filter( ( e ) => e.jobId === jobId && e.seq > afterSeq )
					.sort( ( x, y ) => x.seq - y.seq )
					.slice( 0, limit ),
		},
		callback: {
			deliver: async ( events ): Promise< CallbackAnswer > => {
				attempts.push( events.map( ( e ) => e.seq ) );
				if ( events.some( ( e ) => e.seq === options.refuseSeq ) ) {
					throw new CallbackRefusedError(
						400,
						'orbit_invalid_events: the image facts are not in catalog terms'
					);
				}
				if ( failures > 0 ) {
					failures--;
					throw new Error( 'WordPress is down' );
				}
				received.push( events.map( ( e ) => e.seq ) );
				return {
					applied: events.length,
					duplicates: 0,
					app: { id: 7, name: 'hello-web' },
				};
			},
		},
		deadLetters: {
			add: async ( letter ) => {
				letters.push( letter );
				return {
					...letter,
					letterId: `0000000000001-${ letter.jobId }-${ letter.events[ 0 ]?.seq }`,
					status: 'refused',
					refusals: 1,
					refusedAt: '2026-11-27T21:00:01.000Z',
				};
			},
		},
		ackWaitMs: 3000,
		logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
	} );
	const delivered = async () =>
		( await store.getJob( 'job-1' ) )?.deliveredSeq;
	const message = () => ( {
		working: vi.fn(),
		ack: vi.fn(),
		nak: vi.fn(),
		deliveryCount: 2,
	} );
	return {
		recorded,
		received,
		attempts,
		letters,
		delivery,
		delivered,
		message,
	};
}

describe( 'event delivery to WordPress', () => {
	it( 'sends events in seq order, stops at a gap, and sends each once', async () => {
		const { recorded, received, delivery, delivered } = setUp();
		recorded.push( event( 2 ), event( 1 ), event( 4 ) );
		await delivery.deliver( 'job-1', () => {} );
		expect( received ).toEqual( [ [ 1, 2 ] ] );
		expect( await delivered() ).toBe( 2 );

		// The step that allocated seq 3 records it on its retry.
		recorded.push( event( 3 ) );
		await delivery.deliver( 'job-1', () => {} );
		expect( received ).toEqual( [
			[ 1, 2 ],
			[ 3, 4 ],
		] );
		expect( await delivered() ).toBe( 4 );

		await delivery.deliver( 'job-1', () => {} );
		expect( received ).toHaveLength( 2 );
	} );

	it( 're-sends the event a step asks for again and returns the WordPress answer', async () => {
		const { recorded, received, delivery } = setUp();
		recorded.push( event( 1 ), event( 2 ) );
		const answer = await delivery.deliver( 'job-1', () => {}, event( 2 ) );
		expect( received ).toEqual( [ [ 1, 2 ], [ 2 ] ] );
		expect( answer?.app ).toEqual( { id: 7, name: 'hello-web' } );
	} );

	it( 'a finished job sends what is left across a gap, then acknowledges its message', async () => {
		const { recorded, received, delivery, delivered, message } = setUp();
		recorded.push( event( 1 ), event( 3 ) );
		const jobMessage = message();
		await delivery.finish( 'job-1', jobMessage );
		expect( received ).toEqual( [ [ 1, 3 ] ] );
		expect( await delivered() ).toBe( 3 );
		expect( jobMessage.ack ).toHaveBeenCalledOnce();
		expect( jobMessage.nak ).not.toHaveBeenCalled();
	} );

	it( 'when WordPress cannot be reached, keeps the events and retries the message later', async () => {
		const { recorded, received, delivery, delivered, message } = setUp( {
			failDeliveries: 1,
		} );
		recorded.push( event( 1 ) );
		const first = message();
		await delivery.finish( 'job-1', first );
		expect( first.ack ).not.toHaveBeenCalled();
		expect( first.nak ).toHaveBeenCalledWith( 2000 );
		expect( await delivered() ).toBe( 0 );

		const second = message();
		await delivery.finish( 'job-1', second );
		expect( received ).toEqual( [ [ 1 ] ] );
		expect( second.ack ).toHaveBeenCalledOnce();
	} );

	it( 'keeps events WordPress refuses as one dead letter, sends them no more, and fails the job', async () => {
		const { recorded, attempts, letters, delivery, delivered, message } =
			setUp( { refuseSeq: 2 } );
		recorded.push( event( 1 ), event( 2 ) );
		const refused = await delivery
			.deliver( 'job-1', () => {} )
			.catch( ( error: unknown ) => error );
		expect( refused ).toBeInstanceOf( PermanentJobError );
		expect( ( refused as PermanentJobError ).code ).toBe(
			CALLBACK_REFUSED
		);
		expect( ( refused as Error ).message ).toContain(
			'the image facts are not in catalog terms'
		);
		expect( letters ).toEqual( [
			{
				jobId: 'job-1',
				appName: 'hello-web',
				environment: 'dev',
				events: [ event( 1 ), event( 2 ) ],
				httpStatus: 400,
				answer: 'orbit_invalid_events: the image facts are not in catalog terms',
			},
		] );
		expect( await delivered() ).toBe( 2 );

		// The job's failure event still goes out; the refused ones do not again.
		recorded.push( event( 3 ) );
		const jobMessage = message();
		await delivery.finish( 'job-1', jobMessage );
		expect( attempts ).toEqual( [ [ 1, 2 ], [ 3 ] ] );
		expect( jobMessage.ack ).toHaveBeenCalledOnce();
		expect( jobMessage.nak ).not.toHaveBeenCalled();
		expect( letters ).toHaveLength( 1 );
	} );

	it( 'a finished job whose last events are refused is acknowledged, not retried', async () => {
		const { recorded, attempts, letters, delivery, message } = setUp( {
			refuseSeq: 1,
		} );
		recorded.push( event( 1 ) );
		const jobMessage = message();
		await delivery.finish( 'job-1', jobMessage );
		await delivery.finish( 'job-1', message() );
		expect( attempts ).toEqual( [ [ 1 ] ] );
		expect( letters ).toHaveLength( 1 );
		expect( jobMessage.ack ).toHaveBeenCalledOnce();
		expect( jobMessage.nak ).not.toHaveBeenCalled();
	} );
} );
