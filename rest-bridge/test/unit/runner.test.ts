import { describe, expect, it, vi } from 'vitest';
import type { JobMessage } from '../../src/adapters/nats.js';
import type { BridgeEvent } from '../../src/events/event.js';
import type { JobDefinition } from '../../src/jobs/definition.js';
import { EventDelivery } from '../../src/jobs/delivery.js';
import { EventRecorder } from '../../src/jobs/event-recorder.js';
import { JobLease } from '../../src/jobs/lease.js';
import { StepRunner } from '../../src/jobs/runner.js';
import type { JobServices } from '../../src/job-model/services.js';
import { MemoryJobStore, newJobRecord } from '../support/memory-job-store.js';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

/** A runner over in-memory stores; WordPress accepts everything. */
async function setUp( definition: JobDefinition ) {
	const store = new MemoryJobStore();
	await store.createJob(
		newJobRecord(
			'job-1',
			definition.steps.map( ( s ) => s.name )
		)
	);
	const recorded: BridgeEvent[] = [];
	const events = {
		record: async ( event: BridgeEvent ) => {
			recorded.push( event );
			return event;
		},
		after: async ( _jobId: string, afterSeq: number ) =>
			recorded.filter( ( e ) => e.seq > afterSeq ),
	};
	const lease = new JobLease( store, 'worker-a', 3000 );
	const delivery = new EventDelivery( {
		store,
		events,
		callback: {
			deliver: async ( batch ) => ( {
				applied: batch.length,
				duplicates: 0,
			} ),
		},
		deadLetters: {
			add: () => Promise.reject( new Error( 'nothing is refused here' ) ),
		},
		ackWaitMs: 3000,
		logger,
	} );
	const runner = new StepRunner( {
		store,
		lease,
		recorder: new EventRecorder( {
			store,
			events,
			bus: { publishEvent: async () => {} },
			hooks: {},
		} ),
		delivery,
		services: {} as JobServices,
		maxAttempts: 1,
		hooks: {},
		logger,
		stopping: () => false,
	} );
	const message: JobMessage = {
		jobId: 'job-1',
		kind: definition.kind,
		deliveryCount: 1,
		ack: vi.fn(),
		nak: vi.fn(),
		working: vi.fn(),
	};
	const run = async () => {
		const claimed = await lease.claim( 'job-1' );
		const held = lease.hold( 'job-1', message );
		try {
			await runner.run( claimed!, definition, message, held );
		} finally {
			held.stop();
		}
	};
	return { store, recorded, message, run };
}

describe( 'step runner', () => {
	it( 'runs the declared steps in order, checkpoints their results and delivers their events', async () => {
		const { store, recorded, message, run } = await setUp( {
			kind: 'test',
			failureEvent: 'test-failed',
			steps: [
				{
					name: 'first',
					emits: [ 'first-done' ],
					checkpoints: 'a number',
					run: async ( context ) => {
						await context.emit( 'first-done', 'succeeded' );
						return 42;
					},
				},
				{
					name: 'second',
					emits: [ 'second-done' ],
					checkpoints: null,
					run: async ( context ) => {
						await context.emit( 'second-done', 'succeeded', {
							got: context.output< number >( 'first' ),
						} );
						return null;
					},
				},
			],
		} );
		await run();
		const job = await store.getJob( 'job-1' );
		expect( job?.status ).toBe( 'succeeded' );
		expect( job?.outputs ).toEqual( { first: 42, second: null } );
		expect( job?.deliveredSeq ).toBe( 2 );
		expect(
			recorded.map( ( e ) => [ e.seq, e.name, e.step, e.data ] )
		).toEqual( [
			[ 1, 'first-done', 'first', {} ],
			[ 2, 'second-done', 'second', { got: 42 } ],
		] );
		expect( message.ack ).toHaveBeenCalledOnce();
	} );

	it( 'fails the job when a step emits an event its declaration does not list', async () => {
		const { store, recorded, run } = await setUp( {
			kind: 'test',
			failureEvent: 'test-failed',
			steps: [
				{
					name: 'first',
					emits: [ 'first-done' ],
					checkpoints: null,
					run: async ( context ) => {
						await context.emit( 'something-else', 'succeeded' );
						return null;
					},
				},
			],
		} );
		await run();
		const job = await store.getJob( 'job-1' );
		expect( job?.status ).toBe( 'failed' );
		expect( job?.error?.message ).toMatch(
			/first emits something-else, which its declaration does not list/
		);
		expect( recorded.map( ( e ) => [ e.name, e.outcome ] ) ).toEqual( [
			[ 'test-failed', 'failed' ],
		] );
	} );

	it( 'stops without finishing a step when another worker took the job over', async () => {
		const ran: string[] = [];
		const holder: { store?: MemoryJobStore } = {};
		const setup = await setUp( {
			kind: 'test',
			failureEvent: 'test-failed',
			steps: [
				{
					name: 'first',
					emits: [],
					checkpoints: null,
					run: async () => {
						ran.push( 'first' );
						// Worker B claims the job after A's lease ran out.
						await holder.store!.claimLease(
							'job-1',
							'worker-b',
							Date.now() + 10_000,
							Date.now() + 20_000
						);
						return null;
					},
				},
				{
					name: 'second',
					emits: [],
					checkpoints: null,
					run: async () => {
						ran.push( 'second' );
						return null;
					},
				},
			],
		} );
		holder.store = setup.store;
		await setup.run();
		const job = await setup.store.getJob( 'job-1' );
		expect( ran ).toEqual( [ 'first' ] );
		expect( job?.steps.first?.status ).toBe( 'running' );
		expect( job?.lease?.owner ).toBe( 'worker-b' );
		// Left unacknowledged for the new owner.
		expect( setup.message.ack ).not.toHaveBeenCalled();
		expect( setup.message.nak ).not.toHaveBeenCalled();
	} );
} );
