import { describe, expect, it, vi } from 'vitest';
import type { CallbackAnswer } from '../../src/adapters/wordpress.js';
import type { BridgeEvent } from '../../src/events/event.js';
import { EventDelivery } from '../../src/jobs/delivery.js';
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
function setUp( options: { failDeliveries?: number } = {} ) {
	const store = new MemoryJobStore();
	void store.createJob( newJobRecord( 'job-1' ) );
	const recorded: BridgeEvent[] = [];
	const received: number[][] = [];
	let failures = options.failDeliveries ?? 0;
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
	return { recorded, received, delivery, delivered, message };
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
} );
