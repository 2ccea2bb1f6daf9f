import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

import type { ImageValidationCode } from '../../../src/image/errors.js';
import {
	ImageValidationError,
	validateArchive,
	type ArchiveLimits,
	type ValidateOptions,
} from '../../../src/image/validate-archive.js';
import {
	fileEntry,
	layerTar,
	readTar,
	sha256,
	testImages,
	writeTar,
	type TarEntry,
} from '../../support/archives.js';

type Entries = Array< {
	header:
		| TarEntry[ 'header' ]
		| ( Partial< TarEntry[ 'header' ] > & { name: string } );
	body?: Buffer;
} >;

interface Manifest {
	config: { digest: string; size: number; mediaType: string };
	layers: Array< { digest: string; size: number; mediaType: string } >;
}

let docker: TarEntry[];
let oci: TarEntry[];
let twoImages: Buffer;
let mislabelled: Buffer;

const body = ( entries: Entries, name: string ): Buffer => {
	const found = entries.find( ( e ) => e.header.name === name )?.body;
	if ( ! found ) {
		throw new Error( `${ name } not in the archive` );
	}
	return found;
};
const json = ( entries: Entries, name: string ) =>
	JSON.parse( body( entries, name ).toString( 'utf8' ) );
const replace = (
	entries: Entries,
	name: string,
	content: Buffer | string
): Entries =>
	entries.map( ( e ) =>
		e.header.name === name
			? { header: e.header, body: Buffer.from( content ) }
			: e
	);
const blobName = ( digest: string ) => `blobs/sha256/${ digest.slice( 7 ) }`;

function ociManifestName( entries: Entries ): string {
	return blobName(
		(
			json( entries, 'index.json' ) as {
				manifests: Array< { digest: string } >;
			}
		 ).manifests[ 0 ]?.digest ?? ''
	);
}

/** Rewrites the OCI image manifest and re-points index.json at it, so only the intended fault remains. */
function rewriteOciManifest(
	entries: Entries,
	mutate: ( manifest: Manifest ) => void
): Entries {
	const oldName = ociManifestName( entries );
	const manifest = json( entries, oldName ) as Manifest;
	mutate( manifest );
	const data = Buffer.from( JSON.stringify( manifest ) );
	const index = json( entries, 'index.json' );
	index.manifests[ 0 ].digest = sha256( data );
	index.manifests[ 0 ].size = data.length;
	return [
		...replace( entries, 'index.json', JSON.stringify( index ) ).filter(
			( e ) => e.header.name !== oldName
		),
		fileEntry( blobName( sha256( data ) ), data ),
	];
}

interface DockerImage {
	Config: string;
	Layers: string[];
	RepoTags: string[];
}

/** Rewrites the docker-archive config under a name that carries no digest, and points manifest.json at it. */
function rewriteDockerConfig(
	entries: Entries,
	mutate: ( config: { os?: string; rootfs: { diff_ids: string[] } } ) => void
): Entries {
	const manifest = json( entries, 'manifest.json' ) as DockerImage[];
	const image = manifest[ 0 ] as DockerImage;
	const config = json( entries, image.Config );
	mutate( config );
	image.Config = 'config.json';
	return [
		...replace( entries, 'manifest.json', JSON.stringify( manifest ) ),
		fileEntry( 'config.json', JSON.stringify( config ) ),
	];
}

/** Replaces the first layer of the docker-archive, keeping config and manifest consistent with it. */
function replaceDockerLayer( entries: Entries, layer: Buffer ): Entries {
	let uncompressed = layer;
	try {
		uncompressed = layer[ 0 ] === 0x1f ? gunzipSync( layer ) : layer;
	} catch {
		// A deliberately broken gzip layer; its diff_id does not matter.
	}
	const manifest = json( entries, 'manifest.json' ) as DockerImage[];
	( manifest[ 0 ] as DockerImage ).Layers[ 0 ] = 'replaced/layer.tar';
	const withLayer = [
		...replace( entries, 'manifest.json', JSON.stringify( manifest ) ),
		fileEntry( 'replaced/layer.tar', layer ),
	];
	return rewriteDockerConfig( withLayer, ( config ) => {
		config.rootfs.diff_ids[ 0 ] = sha256( uncompressed );
	} );
}

interface HostileCase {
	code: ImageValidationCode;
	what: string;
	archive: () => Promise< Buffer > | Buffer;
	limits?: Partial< ArchiveLimits >;
	options?: ValidateOptions;
}

const tarOf = ( entries: Entries ) => writeTar( entries );
const totalFileBytes = ( entries: Entries ) =>
	entries.reduce( ( sum, e ) => sum + ( e.body?.length ?? 0 ), 0 );

const cases: HostileCase[] = [
	{
		code: 'ARCHIVE_PATH_TRAVERSAL',
		what: 'an entry climbing out with ..',
		archive: () =>
			tarOf( [ fileEntry( 'blobs/../../evil', 'x' ), ...oci ] ),
	},
	{
		code: 'ARCHIVE_ABSOLUTE_PATH',
		what: 'an absolute entry name',
		archive: () =>
			tarOf( [ ...oci, fileEntry( '/etc/cron.d/evil', 'x' ) ] ),
	},
	{
		code: 'ARCHIVE_DUPLICATE_ENTRY',
		what: 'index.json twice (once as ./index.json)',
		archive: () =>
			tarOf( [
				...oci,
				fileEntry( './index.json', body( oci, 'index.json' ) ),
			] ),
	},
	{
		code: 'ARCHIVE_LINK_OUTSIDE',
		what: 'a symlink leaving the archive',
		archive: () =>
			tarOf( [
				...oci,
				{
					header: {
						name: 'blobs/sha256/escape',
						type: 'symlink',
						linkname: '../../../etc/passwd',
					},
				},
			] ),
	},
	{
		code: 'ARCHIVE_SPECIAL_FILE',
		what: 'a fifo',
		archive: () =>
			tarOf( [ ...oci, { header: { name: 'pipe', type: 'fifo' } } ] ),
	},
	{
		code: 'ARCHIVE_TOO_MANY_ENTRIES',
		what: 'more entries than allowed',
		archive: () => tarOf( oci ),
		limits: { maxEntries: 4 },
	},
	{
		code: 'ARCHIVE_TOO_LARGE',
		what: 'more bytes than allowed',
		archive: () => tarOf( oci ),
		// A getter: the archive's size is known only once the images are built.
		get limits() {
			return { maxTotalBytes: totalFileBytes( oci ) - 1 };
		},
	},
	{
		code: 'ARCHIVE_NAME_TOO_LONG',
		what: 'a 300-character entry name',
		archive: () => tarOf( [ ...oci, fileEntry( 'n'.repeat( 300 ), 'x' ) ] ),
		limits: { maxNameLength: 256 },
	},
	{
		code: 'ARCHIVE_TAR_INVALID',
		what: 'a truncated archive',
		archive: async () => ( await tarOf( oci ) ).subarray( 0, 3000 ),
	},
	{
		code: 'ARCHIVE_COMPRESSED',
		what: 'a gzip-compressed archive',
		archive: async () => gzipSync( await tarOf( oci ) ),
	},
	{
		code: 'ARCHIVE_FORMAT_UNKNOWN',
		what: 'a tar of something else',
		archive: () =>
			tarOf( [ fileEntry( 'README.md', '# not an image\n' ) ] ),
	},
	{
		code: 'ARCHIVE_METADATA_TOO_LARGE',
		what: 'more JSON than allowed in memory',
		archive: () => tarOf( oci ),
		limits: { maxRetainedJsonBytes: 300 },
	},
	{
		code: 'ARCHIVE_MULTIPLE_IMAGES',
		what: 'two images and no choice',
		archive: () => twoImages,
	},
	{
		code: 'ARCHIVE_IMAGE_NOT_FOUND',
		what: 'a choice naming no image',
		archive: () => tarOf( oci ),
		options: { image: 'missing' },
	},
	{
		code: 'OCI_LAYOUT_INVALID',
		what: 'an unknown layout version',
		archive: () =>
			tarOf(
				replace( oci, 'oci-layout', '{"imageLayoutVersion":"9.9.9"}' )
			),
	},
	{
		code: 'JSON_MALFORMED',
		what: 'index.json cut short',
		archive: () =>
			tarOf(
				replace( oci, 'index.json', '{"schemaVersion":2,"manifests":[' )
			),
	},
	{
		code: 'INDEX_INVALID',
		what: 'index.json without a manifest list',
		archive: () =>
			tarOf(
				replace(
					oci,
					'index.json',
					'{"schemaVersion":2,"manifests":"none"}'
				)
			),
	},
	{
		code: 'INDEX_TOO_LARGE',
		what: 'an index over its limit',
		archive: () => tarOf( oci ),
		limits: { maxIndexBytes: 100 },
	},
	{
		code: 'MANIFEST_INVALID',
		what: 'manifest.json with a numeric Config',
		archive: () =>
			tarOf(
				replace(
					docker,
					'manifest.json',
					'[{"Config":42,"Layers":[]}]'
				)
			),
	},
	{
		code: 'MANIFEST_TOO_LARGE',
		what: 'manifest.json over its limit',
		archive: () => tarOf( docker ),
		limits: { maxManifestBytes: 100 },
	},
	{
		code: 'MANIFEST_MEDIA_TYPE_UNSUPPORTED',
		what: 'a schema 1 manifest',
		archive: () => {
			const index = json( oci, 'index.json' );
			index.manifests[ 0 ].mediaType =
				'application/vnd.docker.distribution.manifest.v1+prettyjws';
			return tarOf(
				replace( oci, 'index.json', JSON.stringify( index ) )
			);
		},
	},
	{
		code: 'CONFIG_INVALID',
		what: 'a config without os',
		archive: () =>
			tarOf(
				rewriteDockerConfig( docker, ( config ) => delete config.os )
			),
	},
	{
		code: 'CONFIG_TOO_LARGE',
		what: 'a config over its limit',
		archive: () => tarOf( oci ),
		limits: { maxConfigBytes: 200 },
	},
	{
		code: 'DIGEST_INVALID',
		what: 'a malformed layer digest',
		archive: () =>
			tarOf(
				rewriteOciManifest(
					oci,
					( m ) =>
						void ( (
							m.layers[ 0 ] as Manifest[ 'layers' ][ 0 ]
						 ).digest = 'sha256:NOT-HEX' )
				)
			),
	},
	{
		code: 'DIGEST_ALGORITHM_UNSUPPORTED',
		what: 'a sha512 layer digest',
		archive: () =>
			tarOf(
				rewriteOciManifest(
					oci,
					( m ) =>
						void ( (
							m.layers[ 0 ] as Manifest[ 'layers' ][ 0 ]
						 ).digest = `sha512:${ 'ab'.repeat( 64 ) }` )
				)
			),
	},
	{
		code: 'BLOB_MISSING',
		what: 'a layer blob left out',
		archive: () => {
			const layer =
				( json( oci, ociManifestName( oci ) ) as Manifest ).layers[ 1 ]
					?.digest ?? '';
			return tarOf(
				oci.filter( ( e ) => e.header.name !== blobName( layer ) )
			);
		},
	},
	{
		code: 'BLOB_DIGEST_MISMATCH',
		what: 'a config blob altered after naming',
		archive: () => {
			const config = blobName(
				( json( oci, ociManifestName( oci ) ) as Manifest ).config
					.digest
			);
			return tarOf(
				replace(
					oci,
					config,
					Buffer.concat( [ body( oci, config ), Buffer.from( ' ' ) ] )
				)
			);
		},
	},
	{
		code: 'DESCRIPTOR_SIZE_MISMATCH',
		what: 'a layer descriptor with the wrong size',
		archive: () =>
			tarOf(
				rewriteOciManifest(
					oci,
					( m ) =>
						void ( (
							m.layers[ 0 ] as Manifest[ 'layers' ][ 0 ]
						 ).size += 1 )
				)
			),
	},
	{
		code: 'TOO_MANY_LAYERS',
		what: 'more layers than allowed',
		archive: () => tarOf( oci ),
		limits: { maxLayers: 2 },
	},
	{
		code: 'DIFF_ID_COUNT_MISMATCH',
		what: 'a config missing a diff_id',
		archive: () =>
			tarOf(
				rewriteDockerConfig(
					docker,
					( c ) => void c.rootfs.diff_ids.pop()
				)
			),
	},
	{
		code: 'DIFF_ID_MISMATCH',
		what: 'a config expecting another layer',
		archive: () =>
			tarOf(
				rewriteDockerConfig(
					docker,
					( c ) =>
						void ( c.rootfs.diff_ids[ 1 ] =
							sha256( 'another layer' ) )
				)
			),
	},
	{
		code: 'LAYER_MEDIA_TYPE_UNSUPPORTED',
		what: 'a zstd layer',
		archive: () =>
			tarOf(
				rewriteOciManifest(
					oci,
					( m ) =>
						void ( (
							m.layers[ 0 ] as Manifest[ 'layers' ][ 0 ]
						 ).mediaType =
							'application/vnd.oci.image.layer.v1.tar+zstd' )
				)
			),
	},
	{
		code: 'LAYER_COMPRESSION_MISMATCH',
		what: 'uncompressed layers declared gzip (as skopeo wrote them)',
		archive: () => mislabelled,
	},
	{
		code: 'LAYER_GZIP_CORRUPT',
		what: 'a truncated gzip layer',
		archive: async () => {
			const layer = await layerTar(
				[ fileEntry( 'data', randomBytes( 20_000 ) ) ],
				true
			);
			return tarOf(
				replaceDockerLayer(
					docker,
					layer.subarray( 0, layer.length - 500 )
				)
			);
		},
	},
	{
		code: 'LAYER_DECOMPRESSED_TOO_LARGE',
		what: 'a gzip bomb',
		archive: async () =>
			tarOf(
				replaceDockerLayer(
					docker,
					await layerTar(
						[
							fileEntry(
								'zeros',
								Buffer.alloc( 4 * 1024 * 1024 )
							),
						],
						true
					)
				)
			),
		limits: { maxLayerUncompressedBytes: 1024 * 1024 },
	},
	{
		code: 'LAYER_TAR_INVALID',
		what: 'a layer of random bytes',
		archive: () =>
			tarOf(
				replaceDockerLayer(
					docker,
					randomBytes( 4096 ).fill( 7, 0, 2 )
				)
			),
	},
	{
		code: 'LAYER_TOO_MANY_ENTRIES',
		what: 'a layer with more files than allowed',
		archive: async () =>
			tarOf(
				replaceDockerLayer(
					docker,
					await layerTar(
						[ 'a', 'b', 'c', 'd' ].map( ( n ) => fileEntry( n, n ) )
					)
				)
			),
		limits: { maxLayerEntries: 3 },
	},
	{
		code: 'LAYER_NAME_TOO_LONG',
		what: 'a layer file with a 300-character name',
		archive: async () =>
			tarOf(
				replaceDockerLayer(
					docker,
					await layerTar( [
						fileEntry( `opt/${ 'n'.repeat( 300 ) }`, 'x' ),
					] )
				)
			),
		limits: { maxNameLength: 256 },
	},
	{
		code: 'LAYER_PATH_TRAVERSAL',
		what: 'a layer file climbing out with ..',
		archive: async () =>
			tarOf(
				replaceDockerLayer(
					docker,
					await layerTar(
						[
							fileEntry(
								'../../etc/cron.d/evil',
								'* * * * * root sh\n'
							),
						],
						true
					)
				)
			),
	},
	{
		code: 'LAYER_ABSOLUTE_PATH',
		what: 'a layer file with an absolute name',
		archive: async () =>
			tarOf(
				replaceDockerLayer(
					docker,
					await layerTar( [
						fileEntry( '/etc/passwd', 'root::0:0::/:/bin/sh\n' ),
					] )
				)
			),
	},
	{
		code: 'LAYER_LINK_OUTSIDE',
		what: 'a layer symlink climbing out of the root',
		archive: async () =>
			tarOf(
				replaceDockerLayer(
					docker,
					await layerTar(
						[
							{
								header: {
									name: 'usr/lib/escape',
									type: 'symlink',
									linkname: '../../../../etc/shadow',
								},
							},
						],
						true
					)
				)
			),
	},
	{
		code: 'LAYER_DEVICE_FILE',
		what: 'a block device in a layer',
		archive: async () =>
			tarOf(
				replaceDockerLayer(
					docker,
					await layerTar( [
						{
							header: {
								name: 'dev/sda',
								type: 'block-device',
								devmajor: 8,
								devminor: 0,
							},
						},
					] )
				)
			),
	},
];

describe( 'hostile image archives', () => {
	beforeAll( async () => {
		const images = await testImages();
		docker = await readTar( await readFile( images.dockerArchive ) );
		oci = await readTar( await readFile( images.ociArchive ) );
		twoImages = await readFile( images.twoImageArchive );
		mislabelled = await readFile( images.mislabelledArchive );
	}, 120_000 );

	it( 'has at least 20 cases, each with its own error code', () => {
		const codes = cases.map( ( c ) => c.code );
		expect( new Set( codes ).size ).toBe( codes.length );
		expect( codes.length ).toBeGreaterThanOrEqual( 20 );
	} );

	it( 'accepts the archives the mutation helpers produce when nothing is made wrong', async () => {
		const sameManifest = await tarOf(
			rewriteOciManifest( oci, () => undefined )
		);
		await expect(
			validateArchive( Readable.from( [ sameManifest ] ) )
		).resolves.toMatchObject( { format: 'oci-archive' } );
		const goodLayer = await layerTar(
			[
				{ header: { name: 'etc/', type: 'directory' } },
				fileEntry( 'etc/motd', 'hello\n' ),
				{
					header: {
						name: 'bin',
						type: 'symlink',
						linkname: '/usr/bin',
					},
				},
			],
			true
		);
		const facts = await validateArchive(
			Readable.from( [
				await tarOf( replaceDockerLayer( docker, goodLayer ) ),
			] )
		);
		expect( facts.layers[ 0 ] ).toMatchObject( {
			digest: sha256( goodLayer ),
			diffId: sha256( gunzipSync( goodLayer ) ),
		} );
	} );

	it.each( cases )(
		'rejects $what with $code',
		async ( { code, archive, limits, options } ) => {
			const data = await archive();
			const outcome = await validateArchive(
				Readable.from( [ data ] ),
				limits,
				options
			).then(
				( facts ) => facts,
				( error: unknown ) => error
			);
			expect( outcome ).toBeInstanceOf( ImageValidationError );
			const error = outcome as ImageValidationError;
			expect( { code: error.code, message: error.message } ).toEqual( {
				code,
				message: expect.stringMatching( /\w.{40,}/ ),
			} );
		}
	);
} );
