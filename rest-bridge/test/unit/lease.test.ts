import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobLease } from '../../src/jobs/lease.js';
import { MemoryJobStore, newJobRecord } from '../support/memory-job-store.js';

const ACK_WAIT_MS = 3000;

function setUp() {
	const store = new MemoryJobStore();
	void store.createJob( newJobRecord( 'job-1' ) );
	let now = 1_000_000;
	const clock = {
		now: () => now,
		advance: ( ms: number ) => ( now += ms ),
	};
	const lease = ( owner: string ) =>
		new JobLease( store, owner, ACK_WAIT_MS, clock.now );
	return { store, clock, a: lease( 'worker-a' ), b: lease( 'worker-b' ) };
}

describe( 'job lease', () => {
	afterEach( () => {
		vi.useRealTimers();
	} );

	it( 'lets one worker hold a job until its lease expires, then another takes it over', async () => {
		const { store, clock, a, b } = setUp();
		const claimed = await a.claim( 'job-1' );
		expect( claimed?.status ).toBe( 'running' );
		expect( claimed?.lease ).toEqual( {
			owner: 'worker-a',
			until: clock.now() + ACK_WAIT_MS,
		} );
		expect( await b.claim( 'job-1' ) ).toBeUndefined();

		clock.advance( ACK_WAIT_MS - 1 );
		expect( await b.claim( 'job-1' ) ).toBeUndefined();
		clock.advance( 2 );
		expect( ( await b.claim( 'job-1' ) )?.lease?.owner ).toBe( 'worker-b' );

		// A has lost the job: it can neither renew nor start a step.
		expect( await a.renew( 'job-1' ) ).toBe( false );
		expect(
			await store.startStep( 'job-1', 'first', 'worker-a' )
		).toBeUndefined();
		expect(
			( await store.startStep( 'job-1', 'first', 'worker-b' ) )?.steps
				.first
		).toEqual( { status: 'running', runs: 1 } );
	} );

	it( 'renewing keeps the job from another worker past the first lease', async () => {
		const { clock, a, b } = setUp();
		await a.claim( 'job-1' );
		clock.advance( ACK_WAIT_MS - 500 );
		expect( await a.renew( 'job-1' ) ).toBe( true );
		clock.advance( 1000 );
		expect( await b.claim( 'job-1' ) ).toBeUndefined();
	} );

	it( 'a released job is taken at once, without waiting for the lease to run out', async () => {
		const { a, b } = setUp();
		await a.claim( 'job-1' );
		// Only the owner's release counts.
		await b.release( 'job-1' );
		expect( await b.claim( 'job-1' ) ).toBeUndefined();
		await a.release( 'job-1' );
		expect( ( await b.claim( 'job-1' ) )?.lease?.owner ).toBe( 'worker-b' );
	} );

	it( 'the owner claims its own job again when its message comes back', async () => {
		const { a } = setUp();
		await a.claim( 'job-1' );
		expect( ( await a.claim( 'job-1' ) )?.lease?.owner ).toBe( 'worker-a' );
	} );

	it( 'while held, heartbeats JetStream and notices when another worker took the job', async () => {
		vi.useFakeTimers();
		const { clock, a, b } = setUp();
		await a.claim( 'job-1' );
		const message = { working: vi.fn() };
		const held = a.hold( 'job-1', message );
		try {
			await vi.advanceTimersByTimeAsync( ACK_WAIT_MS / 3 );
			expect( message.working ).toHaveBeenCalledTimes( 1 );
			expect( held.lost() ).toBe( false );

			// A stalls past its lease; B takes the job; A's next renewal fails.
			clock.advance( ACK_WAIT_MS + 1 );
			expect( await b.claim( 'job-1' ) ).toBeDefined();
			await vi.advanceTimersByTimeAsync( ACK_WAIT_MS / 3 );
			expect( held.lost() ).toBe( true );
		} finally {
			held.stop();
		}
		const calls = message.working.mock.calls.length;
		await vi.advanceTimersByTimeAsync( ACK_WAIT_MS );
		expect( message.working ).toHaveBeenCalledTimes( calls );
	} );
} );
