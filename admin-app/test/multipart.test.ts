import { http, HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';

import {
	PartUploadError,
	UploadAbortedError,
	uploadParts,
} from '../src/upload/multipart';
import { TransferRate } from '../src/upload/progress';
import { server } from './support/msw-server';

const STORE = 'http://storage.test/orbit-temporary';
const PART_SIZE = 1024;

/** A file of 3.5 parts whose bytes tell their position. */
function makeFile() {
	const bytes = new Uint8Array( PART_SIZE * 3 + PART_SIZE / 2 );
	bytes.forEach( ( _, index ) => ( bytes[ index ] = index % 251 ) );
	return { bytes, file: new Blob( [ bytes ] ) };
}

const partUrls = ( numbers: number[] ) =>
	numbers.map( ( partNumber ) => ( {
		partNumber,
		url: `${ STORE }/archive.tar?partNumber=${ partNumber }&uploadId=u1`,
	} ) );

/** Accepts parts like S3: records the bytes and answers an ETag. */
function storage(
	options: { failFirst?: number[]; failAlways?: number[] } = {}
) {
	const received = new Map< number, Uint8Array >();
	const attempts = new Map< number, number >();
	let active = 0;
	let maxActive = 0;
	server.use(
		http.put( `${ STORE }/archive.tar`, async ( { request } ) => {
			const partNumber = Number(
				new URL( request.url ).searchParams.get( 'partNumber' )
			);
			attempts.set( partNumber, ( attempts.get( partNumber ) ?? 0 ) + 1 );
			active++;
			maxActive = Math.max( maxActive, active );
			const body = new Uint8Array( await request.arrayBuffer() );
			await delay( 20 );
			active--;
			const failing =
				options.failAlways?.includes( partNumber ) ||
				( options.failFirst?.includes( partNumber ) &&
					attempts.get( partNumber ) === 1 );
			if ( failing ) {
				return new HttpResponse( 'SlowDown', { status: 503 } );
			}
			received.set( partNumber, body );
			return new HttpResponse( null, {
				status: 200,
				headers: { ETag: `"etag-${ partNumber }"` },
			} );
		} )
	);
	return { received, attempts, maxActive: () => maxActive };
}

describe( 'uploadParts', () => {
	it( 'sends every part with its exact bytes, several at once, and returns them in order', async () => {
		const { bytes, file } = makeFile();
		const store = storage();
		const progress: number[] = [];
		const parts = await uploadParts( {
			file,
			partSize: PART_SIZE,
			pending: partUrls( [ 1, 2, 3, 4 ] ),
			done: [],
			concurrency: 3,
			signal: new AbortController().signal,
			onProgress: ( done ) => progress.push( done ),
		} );
		expect(
			parts.map( ( part ) => [ part.partNumber, part.etag, part.size ] )
		).toEqual( [
			[ 1, '"etag-1"', PART_SIZE ],
			[ 2, '"etag-2"', PART_SIZE ],
			[ 3, '"etag-3"', PART_SIZE ],
			[ 4, '"etag-4"', PART_SIZE / 2 ],
		] );
		for ( const [ partNumber, body ] of store.received ) {
			const start = ( partNumber - 1 ) * PART_SIZE;
			expect( body ).toEqual( bytes.slice( start, start + PART_SIZE ) );
		}
		expect( store.maxActive() ).toBeGreaterThan( 1 );
		expect( store.maxActive() ).toBeLessThanOrEqual( 3 );
		expect( progress.at( -1 ) ).toBe( bytes.length );
		// Progress never goes backwards once parts are done.
		expect( [ ...progress ].sort( ( a, b ) => a - b ) ).toEqual( progress );
	} );

	it( 'retries a failed part and succeeds', async () => {
		const { file } = makeFile();
		const store = storage( { failFirst: [ 2 ] } );
		const parts = await uploadParts( {
			file,
			partSize: PART_SIZE,
			pending: partUrls( [ 1, 2, 3, 4 ] ),
			done: [],
			retryDelayMs: 1,
			signal: new AbortController().signal,
			onProgress: () => undefined,
		} );
		expect( store.attempts.get( 2 ) ).toBe( 2 );
		expect( parts ).toHaveLength( 4 );
	} );

	it( 'gives up on a part after the last attempt and says which part and why', async () => {
		const { file } = makeFile();
		const store = storage( { failAlways: [ 3 ] } );
		const failure = uploadParts( {
			file,
			partSize: PART_SIZE,
			pending: partUrls( [ 1, 2, 3, 4 ] ),
			done: [],
			maxAttempts: 3,
			retryDelayMs: 1,
			signal: new AbortController().signal,
			onProgress: () => undefined,
		} );
		await expect( failure ).rejects.toBeInstanceOf( PartUploadError );
		await expect( failure ).rejects.toThrow(
			'Part 3 failed after 3 attempts: The storage answered HTTP 503.'
		);
		expect( store.attempts.get( 3 ) ).toBe( 3 );
	} );

	it( 'sends only the parts still missing and counts the others as done', async () => {
		const { bytes, file } = makeFile();
		const store = storage();
		const progress: number[] = [];
		const parts = await uploadParts( {
			file,
			partSize: PART_SIZE,
			pending: partUrls( [ 3, 4 ] ),
			done: [
				{ partNumber: 1, etag: '"kept-1"', size: PART_SIZE },
				{ partNumber: 2, etag: '"kept-2"', size: PART_SIZE },
			],
			signal: new AbortController().signal,
			onProgress: ( done ) => progress.push( done ),
		} );
		expect( [ ...store.received.keys() ].sort() ).toEqual( [ 3, 4 ] );
		expect( parts.map( ( part ) => part.etag ) ).toEqual( [
			'"kept-1"',
			'"kept-2"',
			'"etag-3"',
			'"etag-4"',
		] );
		expect( progress[ 0 ] ).toBe( 2 * PART_SIZE );
		expect( progress.at( -1 ) ).toBe( bytes.length );
	} );

	it( 'stops when cancelled', async () => {
		const { file } = makeFile();
		server.use(
			http.put( `${ STORE }/archive.tar`, () => delay( 'infinite' ) )
		);
		const controller = new AbortController();
		const failure = uploadParts( {
			file,
			partSize: PART_SIZE,
			pending: partUrls( [ 1, 2, 3, 4 ] ),
			done: [],
			signal: controller.signal,
			onProgress: () => undefined,
		} );
		setTimeout( () => controller.abort(), 30 );
		await expect( failure ).rejects.toBeInstanceOf( UploadAbortedError );
	} );
} );

describe( 'TransferRate', () => {
	it( 'measures speed over the recent window and estimates time left', () => {
		const rate = new TransferRate( 5000 );
		rate.record( 1000, 0 );
		expect( rate.secondsLeft( 10_000 ) ).toBeNull();
		rate.record( 3000, 1000 );
		expect( rate.bytesPerSecond() ).toBe( 2000 );
		expect( rate.secondsLeft( 10_000 ) ).toBe( 5 );
		// After a stall longer than the window, old fast samples no longer count.
		rate.record( 3000, 20_000 );
		rate.record( 3500, 21_000 );
		expect( rate.bytesPerSecond() ).toBe( 500 );
	} );
} );
