import { describe, expect, it } from 'vitest';
import type { DocumentStore } from '../../src/adapters/dynamo.js';
import { CursorError, EventLog } from '../../src/events/log.js';

/** A store that answers one page and remembers the query it got. */
function recordingStore() {
	const queries: unknown[] = [];
	const store = {
		query: async ( _table: string, request: unknown ) => {
			queries.push( request );
			return {
				items: [ { jobId: 'j', seq: 2, appOrder: 'x', name: 'b' } ],
				lastKey: { jobId: 'j', seq: 2 },
			};
		},
	} as unknown as DocumentStore;
	return { store, queries };
}

describe( 'event log pages', () => {
	it( 'reads newest first and hands out a cursor that continues where the page ended', async () => {
		const { store, queries } = recordingStore();
		const log = new EventLog( store, 'events', 'errors' );
		const page = await log.forJob( 'j', 1 );
		expect( page.items ).toEqual( [ { jobId: 'j', seq: 2, name: 'b' } ] );
		expect( page.nextCursor ).toEqual( expect.any( String ) );
		await log.forJob( 'j', 1, page.nextCursor ?? undefined );
		expect( queries[ 0 ] ).toMatchObject( {
			newestFirst: true,
			startKey: undefined,
		} );
		expect( queries[ 1 ] ).toMatchObject( {
			startKey: { jobId: 'j', seq: 2 },
		} );
	} );

	it( 'rejects a cursor it did not hand out', async () => {
		const { store, queries } = recordingStore();
		const log = new EventLog( store, 'events', 'errors' );
		const forged = Buffer.from(
			JSON.stringify( { jobId: 'j', seq: { $ne: 1 } } )
		).toString( 'base64url' );
		for ( const cursor of [
			'not-base64-json',
			forged,
			Buffer.from( '[]' ).toString( 'base64url' ),
		] ) {
			await expect(
				log.forJob( 'j', 10, cursor )
			).rejects.toBeInstanceOf( CursorError );
		}
		await expect(
			log.forApp(
				'a',
				10,
				Buffer.from(
					JSON.stringify( { jobId: 'j', seq: 1 } )
				).toString( 'base64url' )
			)
		).rejects.toBeInstanceOf( CursorError );
		expect( queries ).toEqual( [] );
	} );
} );
