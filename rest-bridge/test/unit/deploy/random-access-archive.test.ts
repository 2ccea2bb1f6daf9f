import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { readArchiveImage } from '../../../src/image/archive-image.js';
import {
	indexArchive,
	type RandomAccessArchive,
} from '../../../src/image/random-access-archive.js';

async function tarOf( files: Record< string, Buffer > ): Promise< Buffer > {
	const pack = tar.pack();
	for ( const [ name, content ] of Object.entries( files ) ) {
		pack.entry( { name, size: content.length }, content );
	}
	pack.finalize();
	const chunks: Buffer[] = [];
	for await ( const chunk of pack as unknown as AsyncIterable< Buffer > ) {
		chunks.push( chunk );
	}
	return Buffer.concat( chunks );
}

/** An archive in memory that counts the bytes read from it. */
function inMemory( bytes: Buffer ) {
	const stats = { bytesRead: 0 };
	const archive: RandomAccessArchive = {
		size: bytes.length,
		read: async ( start, length ) => {
			stats.bytesRead += length;
			return bytes.subarray( start, start + length );
		},
		stream: async ( start, length ) =>
			Readable.from( [ bytes.subarray( start, start + length ) ] ),
	};
	return { archive, stats };
}

const sha = ( data: Buffer ) =>
	createHash( 'sha256' ).update( data ).digest( 'hex' );

describe( 'reading a stored archive by ranges', () => {
	it( 'lists entries with long (PAX) names without reading the large files', async () => {
		const longName = `${ 'd/'.repeat( 80 ) }file.bin`;
		const big = Buffer.alloc( 4 * 1024 * 1024, 7 );
		const { archive, stats } = inMemory(
			await tarOf( {
				[ longName ]: big,
				'small.json': Buffer.from( '{}' ),
			} )
		);
		const files = await indexArchive( archive );
		expect( files.entry( longName, 'file' ).size ).toBe( big.length );
		expect( files.entry( 'small.json', 'file' ).size ).toBe( 2 );
		expect( stats.bytesRead ).toBeLessThan( 256 * 1024 );
	} );

	it( 'finds a docker-archive image and writes its registry manifest', async () => {
		const layer = await tarOf( { 'srv/index.html': Buffer.from( 'hi' ) } );
		const layerHex = sha( layer );
		const config = Buffer.from(
			JSON.stringify( {
				architecture: 'amd64',
				os: 'linux',
				rootfs: {
					type: 'layers',
					diff_ids: [ `sha256:${ layerHex }` ],
				},
			} )
		);
		const configHex = sha( config );
		const { archive } = inMemory(
			await tarOf( {
				[ `${ configHex }.json` ]: config,
				[ `${ layerHex }.tar` ]: layer,
				'manifest.json': Buffer.from(
					JSON.stringify( [
						{
							Config: `${ configHex }.json`,
							RepoTags: [ 'hello:1' ],
							Layers: [ `${ layerHex }.tar` ],
						},
					] )
				),
			} )
		);
		const image = await readArchiveImage( archive );
		expect( image.config.digest ).toBe( `sha256:${ configHex }` );
		expect( image.layers ).toEqual( [
			expect.objectContaining( {
				digest: `sha256:${ layerHex }`,
				size: layer.length,
				mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
			} ),
		] );
		expect( image.manifest.digest ).toBe(
			`sha256:${ sha( image.manifest.bytes ) }`
		);
		expect( JSON.parse( image.manifest.bytes.toString() ) ).toMatchObject( {
			schemaVersion: 2,
			config: { digest: `sha256:${ configHex }`, size: config.length },
		} );
	} );
} );
