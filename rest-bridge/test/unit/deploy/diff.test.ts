import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../../src/deploy/diff.js';

describe( 'the manifest diff of a preview', () => {
	it( 'shows a first deploy as every line added', () => {
		expect( diffFiles( {}, { 'a.yaml': 'x: 1\ny: 2\n' } ) ).toEqual( [
			{
				file: 'a.yaml',
				status: 'added',
				lines: [
					{ op: '+', text: 'x: 1' },
					{ op: '+', text: 'y: 2' },
				],
			},
		] );
	} );

	it( 'shows a changed line as removed then added, between unchanged ones', () => {
		const [ file ] = diffFiles(
			{ 'd.yaml': 'a\nreplicas: 2\nb\n' },
			{ 'd.yaml': 'a\nreplicas: 5\nb\n' }
		);
		expect( file?.status ).toBe( 'changed' );
		expect( file?.lines ).toEqual( [
			{ op: ' ', text: 'a' },
			{ op: '-', text: 'replicas: 2' },
			{ op: '+', text: 'replicas: 5' },
			{ op: ' ', text: 'b' },
		] );
	} );

	it( 'names unchanged and removed files', () => {
		expect(
			diffFiles(
				{ 'same.yaml': 'a\n', 'gone.yaml': 'b\n' },
				{ 'same.yaml': 'a\n' }
			).map( ( f ) => [ f.file, f.status ] )
		).toEqual( [
			[ 'same.yaml', 'unchanged' ],
			[ 'gone.yaml', 'removed' ],
		] );
	} );
} );
