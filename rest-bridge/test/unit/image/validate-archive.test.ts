import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

import {
	validateArchive,
	type ImageFacts,
} from '../../../src/image/validate-archive.js';
import {
	DOCKER_REFERENCE,
	IMAGE_SETTINGS,
	readTar,
	sha256,
	testImages,
	writeTar,
	type BuiltImages,
} from '../../support/archives.js';

const run = promisify( execFile );

interface SkopeoView {
	manifestDigest: string;
	configDigest: string;
	layerDigests: string[];
	layerSizes: number[];
	diffIds: string[];
}

/** What skopeo says about an archive: the reference the validator is checked against. */
async function skopeoView( reference: string ): Promise< SkopeoView > {
	const { stdout: rawManifest } = await run( 'skopeo', [
		'inspect',
		'--raw',
		reference,
	] );
	const { stdout: rawConfig } = await run( 'skopeo', [
		'inspect',
		'--config',
		'--raw',
		reference,
	] );
	const manifest = JSON.parse( rawManifest ) as {
		config: { digest: string };
		layers: Array< { digest: string; size: number } >;
	};
	const config = JSON.parse( rawConfig ) as {
		rootfs: { diff_ids: string[] };
	};
	return {
		manifestDigest: sha256( rawManifest ),
		configDigest: sha256( rawConfig ),
		layerDigests: manifest.layers.map( ( layer ) => layer.digest ),
		layerSizes: manifest.layers.map( ( layer ) => layer.size ),
		diffIds: config.rootfs.diff_ids,
	};
}

function expectImageSettings( facts: ImageFacts ): void {
	expect( facts.os ).toBe( IMAGE_SETTINGS.os );
	expect( facts.architecture ).toBe( IMAGE_SETTINGS.architecture );
	expect( [ ...facts.exposedPorts ].sort() ).toEqual(
		IMAGE_SETTINGS.exposedPorts
	);
	expect( facts.env ).toEqual( expect.arrayContaining( IMAGE_SETTINGS.env ) );
	expect( facts.labels ).toEqual( IMAGE_SETTINGS.labels );
	expect( facts.entrypoint ).toEqual( IMAGE_SETTINGS.entrypoint );
	expect( facts.cmd ).toEqual( IMAGE_SETTINGS.cmd );
	expect( facts.layers ).toHaveLength( IMAGE_SETTINGS.layerCount );
	expect( facts.totalSize ).toBe(
		facts.layers.reduce( ( sum, layer ) => sum + layer.size, 0 )
	);
}

describe( 'validateArchive on archives made by umoci and skopeo', () => {
	let images: BuiltImages;
	beforeAll( async () => {
		images = await testImages();
	}, 120_000 );

	it( 'reads an OCI archive with gzip layers, with the digests skopeo reports', async () => {
		const facts = await validateArchive(
			createReadStream( images.ociArchive )
		);
		const skopeo = await skopeoView( `oci-archive:${ images.ociArchive }` );

		expect( facts.format ).toBe( 'oci-archive' );
		expect( facts.manifestDigest ).toBe( skopeo.manifestDigest );
		expect( facts.configDigest ).toBe( skopeo.configDigest );
		expect( facts.layers.map( ( layer ) => layer.digest ) ).toEqual(
			skopeo.layerDigests
		);
		expect( facts.layers.map( ( layer ) => layer.size ) ).toEqual(
			skopeo.layerSizes
		);
		expect( facts.layers.map( ( layer ) => layer.diffId ) ).toEqual(
			skopeo.diffIds
		);
		// Gzip layers: the stored digest differs from the uncompressed diff_id.
		for ( const layer of facts.layers ) {
			expect( layer.mediaType ).toBe(
				'application/vnd.oci.image.layer.v1.tar+gzip'
			);
			expect( layer.digest ).not.toBe( layer.diffId );
		}
		expect( facts.repoTags ).toEqual( [ 'app' ] );
		expectImageSettings( facts );
	} );

	it( 'reads a docker-archive with uncompressed layers and legacy symlinks, with the digests skopeo reports', async () => {
		const facts = await validateArchive(
			createReadStream( images.dockerArchive )
		);
		const skopeo = await skopeoView(
			`docker-archive:${ images.dockerArchive }`
		);

		expect( facts.format ).toBe( 'docker-archive' );
		expect( facts.manifestDigest ).toBeUndefined();
		expect( facts.configDigest ).toBe( skopeo.configDigest );
		expect( facts.layers.map( ( layer ) => layer.digest ) ).toEqual(
			skopeo.layerDigests
		);
		expect( facts.layers.map( ( layer ) => layer.diffId ) ).toEqual(
			skopeo.diffIds
		);
		for ( const layer of facts.layers ) {
			expect( layer.mediaType ).toBe(
				'application/vnd.docker.image.rootfs.diff.tar'
			);
			expect( layer.digest ).toBe( layer.diffId );
		}
		expect( facts.repoTags ).toEqual( [
			`docker.io/${ DOCKER_REFERENCE }`.replace(
				'docker.io/example.test',
				'example.test'
			),
		] );
		expectImageSettings( facts );
	} );

	it( 'reads a docker-archive whose layers are gzip-compressed, checking their diff_ids', async () => {
		const entries = await readTar( await readFile( images.dockerArchive ) );
		const manifest = JSON.parse(
			entries
				.find( ( e ) => e.header.name === 'manifest.json' )
				?.body.toString() ?? ''
		) as Array< { Layers: string[] } >;
		const layerPaths = new Set( manifest[ 0 ]?.Layers );
		// Keep only the files docker load needs, with every layer gzip-compressed under a new name.
		const rewritten = entries
			.filter( ( e ) => e.header.type === 'file' )
			.map( ( e ) =>
				layerPaths.has( e.header.name )
					? {
							header: {
								...e.header,
								name: `${ e.header.name }.gz`,
							},
							body: gzipSync( e.body ),
						}
					: e
			);
		const manifestEntry = rewritten.find(
			( e ) => e.header.name === 'manifest.json'
		);
		if ( ! manifestEntry || ! manifest[ 0 ] ) {
			throw new Error( 'manifest.json missing' );
		}
		manifest[ 0 ].Layers = manifest[ 0 ].Layers.map(
			( layer ) => `${ layer }.gz`
		);
		manifestEntry.body = Buffer.from( JSON.stringify( manifest ) );

		const facts = await validateArchive(
			Readable.from( [ await writeTar( rewritten ) ] )
		);
		const original = await skopeoView(
			`docker-archive:${ images.dockerArchive }`
		);
		expect( facts.layers.map( ( layer ) => layer.diffId ) ).toEqual(
			original.diffIds
		);
		for ( const layer of facts.layers ) {
			expect( layer.mediaType ).toBe(
				'application/vnd.docker.image.rootfs.diff.tar.gzip'
			);
			expect( layer.digest ).not.toBe( layer.diffId );
		}
	} );

	it( 'reads an image listed through a nested index, named by the outer one', async () => {
		const entries = await readTar( await readFile( images.ociArchive ) );
		const indexEntry = entries.find(
			( e ) => e.header.name === 'index.json'
		);
		const outer = JSON.parse( indexEntry?.body.toString() ?? '' ) as {
			manifests: Array< Record< string, unknown > >;
		};
		const [ original ] = outer.manifests;
		const nested = Buffer.from(
			JSON.stringify( {
				schemaVersion: 2,
				mediaType: 'application/vnd.oci.image.index.v1+json',
				manifests: [
					{
						...original,
						annotations: undefined,
						platform: { os: 'linux', architecture: 'arm64' },
					},
				],
			} )
		);
		outer.manifests = [
			{
				mediaType: 'application/vnd.oci.image.index.v1+json',
				digest: sha256( nested ),
				size: nested.length,
				annotations: {
					'io.containerd.image.name': 'example.test/demo:multi',
				},
			},
		];
		const rewritten = [
			...entries.filter( ( e ) => e.header.name !== 'index.json' ),
			{
				header: {
					name: `blobs/sha256/${ sha256( nested ).slice( 7 ) }`,
				},
				body: nested,
			},
			{
				header: { name: 'index.json' },
				body: Buffer.from( JSON.stringify( outer ) ),
			},
		];

		const facts = await validateArchive(
			Readable.from( [ await writeTar( rewritten ) ] )
		);
		expect( facts.repoTags ).toEqual( [ 'example.test/demo:multi' ] );
		expect( facts.manifestDigest ).toBe( original?.digest );
		expectImageSettings( facts );
	} );

	it( 'takes the named image from an archive holding two', async () => {
		const facts = await validateArchive(
			createReadStream( images.twoImageArchive ),
			{},
			{ image: 'app' }
		);
		expect( facts.repoTags ).toEqual( [ 'app' ] );
		expectImageSettings( facts );
	} );

	it( 'reads an archive delivered in tiny chunks the same as in large ones', async () => {
		const data = await readFile( images.ociArchive );
		const chunks = Array.from(
			{ length: Math.ceil( data.length / 333 ) },
			( _, i ) => data.subarray( i * 333, ( i + 1 ) * 333 )
		);
		const tiny = await validateArchive( Readable.from( chunks ) );
		const whole = await validateArchive( Readable.from( [ data ] ) );
		expect( tiny ).toEqual( whole );
	} );

	it.each( [ 'dockerArchive', 'ociArchive' ] as const )(
		'reads the %s the same through one buffer overwritten after every read',
		async ( kind ) => {
			const data = await readFile( images[ kind ] );
			// What a reader reusing its buffer delivers: each chunk is clobbered once the next is asked for.
			async function* reusedBuffer() {
				const buffer = Buffer.alloc( 97 );
				for ( let start = 0; start < data.length; start += 97 ) {
					const length = data.copy( buffer, 0, start, start + 97 );
					yield buffer.subarray( 0, length );
					buffer.fill( 0xa5 );
				}
			}
			const reused = await validateArchive( reusedBuffer() );
			const whole = await validateArchive( Readable.from( [ data ] ) );
			expect( reused ).toEqual( whole );
			await expect(
				validateArchive( { path: images[ kind ] } )
			).resolves.toEqual( whole );
		}
	);
} );
