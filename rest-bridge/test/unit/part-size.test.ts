import { describe, expect, it } from 'vitest';
import {
	MAX_PARTS,
	MIN_PART_BYTES,
	MAX_PART_BYTES,
	planParts,
} from '../../src/uploads/part-size.js';

const MiB = 1024 * 1024;

describe( 'multipart part size', () => {
	it( 'uses one 5 MiB part for small archives', () => {
		expect( planParts( 1 ) ).toEqual( {
			partSize: MIN_PART_BYTES,
			partCount: 1,
		} );
		expect( planParts( 5 * MiB ) ).toEqual( {
			partSize: MIN_PART_BYTES,
			partCount: 1,
		} );
		expect( planParts( 5 * MiB + 1 ) ).toEqual( {
			partSize: MIN_PART_BYTES,
			partCount: 2,
		} );
	} );

	it( 'grows parts in whole MiB for large archives, covering every byte', () => {
		for ( const size of [
			3 * 1024 * MiB,
			4 * 1024 * MiB,
			4 * 1024 * MiB + 7,
			100 * 1024 * MiB,
		] ) {
			const { partSize, partCount } = planParts( size );
			expect( partSize % MiB ).toBe( 0 );
			expect( partSize ).toBeGreaterThanOrEqual( MIN_PART_BYTES );
			expect( partSize ).toBeLessThanOrEqual( MAX_PART_BYTES );
			expect( partCount ).toBeLessThanOrEqual( MAX_PARTS );
			expect( partSize * partCount ).toBeGreaterThanOrEqual( size );
			expect( partSize * ( partCount - 1 ) ).toBeLessThan( size );
		}
		expect( planParts( 4 * 1024 * MiB ).partSize ).toBe( 9 * MiB );
	} );

	it( 'refuses sizes S3 cannot take in one multipart upload', () => {
		expect( () => planParts( MAX_PART_BYTES * MAX_PARTS + 1 ) ).toThrow(
			RangeError
		);
		expect( () => planParts( 0 ) ).toThrow( RangeError );
		expect( () => planParts( 1.5 ) ).toThrow( RangeError );
	} );
} );
