import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobRecord } from '../../src/job-model/job.js';
import type { UploadSession } from '../../src/uploads/sessions.js';
import { UploadSweeper } from '../../src/uploads/sweep.js';

function session(
	uploadId: string,
	createdAt: string,
	status: UploadSession[ 'status' ],
	jobId?: string
): UploadSession {
	return {
		uploadId,
		s3UploadId: `s3-${ uploadId }`,
		bucket: 'orbit-temporary',
		key: `uploads/${ uploadId }.tar`,
		appName: 'hello-web',
		version: '1.0.0',
		filename: 'hello.tar',
		size: 1024,
		partSize: 1024,
		partCount: 1,
		actor: { id: 2, login: 'operator' },
		status,
		createdAt,
		...( jobId ? { jobId } : {} ),
	};
}

/** The uploads table and S3 in memory, read a page of two at a time. */
function setUp( sessions: UploadSession[], jobs: Record< string, string > ) {
	const table = new Map( sessions.map( ( s ) => [ s.uploadId, s ] ) );
	const aborted: string[] = [];
	const sweeper = new UploadSweeper(
		{
			uploads: {
				listCreatedBefore: async ( cutoff, limit, next ) => {
					const start = Number( next?.index ?? 0 );
					const matching = [ ...table.values() ].filter(
						( s ) => s.createdAt < cutoff
					);
					const page = matching.slice( start, start + limit );
					return {
						sessions: page,
						next:
							start + limit < matching.length
								? { index: start + limit }
								: undefined,
					};
				},
				remove: async ( uploadId, status ) =>
					table.get( uploadId )?.status === status &&
					table.delete( uploadId ),
			},
			objects: {
				abortMultipartUpload: async ( _bucket, _key, s3UploadId ) => {
					aborted.push( s3UploadId );
				},
			},
			jobs: {
				get: async ( jobId ) =>
					jobs[ jobId ]
						? ( { status: jobs[ jobId ] } as JobRecord )
						: undefined,
			},
		},
		{
			abandonedAfterSeconds: 3600,
			intervalMs: 60_000,
			logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
		}
	);
	return { table, aborted, sweeper };
}

afterEach( () => {
	vi.useRealTimers();
} );

describe( 'the upload sweep', () => {
	it( 'aborts uploads left open past the limit and forgets finished ones, leaving younger and running ones', async () => {
		const { table, aborted, sweeper } = setUp(
			[
				session( 'open-old', '2026-12-01T06:00:00.000Z', 'open' ),
				session( 'open-young', '2026-12-01T07:30:00.000Z', 'open' ),
				session( 'cancelled', '2026-12-01T06:00:00.000Z', 'aborted' ),
				session(
					'done',
					'2026-12-01T06:00:00.000Z',
					'completing',
					'job-done'
				),
				session(
					'running',
					'2026-12-01T06:00:00.000Z',
					'completing',
					'job-running'
				),
			],
			{ 'job-done': 'succeeded', 'job-running': 'running' }
		);
		const result = await sweeper.sweep(
			new Date( '2026-12-01T08:00:00.000Z' )
		);
		expect( result ).toEqual( {
			abandoned: [ 'open-old' ],
			removed: [ 'cancelled', 'done' ],
		} );
		expect( aborted ).toEqual( [ 's3-open-old', 's3-cancelled' ] );
		expect( [ ...table.keys() ].sort() ).toEqual( [
			'open-young',
			'running',
		] );
	} );

	it( 'sweeps every interval once started, and not after it is stopped', async () => {
		vi.useFakeTimers( { now: new Date( '2026-12-01T08:00:00.000Z' ) } );
		const { table, sweeper } = setUp(
			[ session( 'open-old', '2026-12-01T06:00:00.000Z', 'open' ) ],
			{}
		);
		sweeper.start();
		await vi.advanceTimersByTimeAsync( 59_000 );
		expect( table.has( 'open-old' ) ).toBe( true );
		await vi.advanceTimersByTimeAsync( 1_000 );
		expect( table.has( 'open-old' ) ).toBe( false );

		await sweeper.stop();
		table.set(
			'open-later',
			session( 'open-later', '2026-12-01T06:00:00.000Z', 'open' )
		);
		await vi.advanceTimersByTimeAsync( 120_000 );
		expect( table.has( 'open-later' ) ).toBe( true );
	} );
} );
