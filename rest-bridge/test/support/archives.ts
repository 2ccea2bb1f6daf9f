/**
 * Real image archives for tests, built with umoci and skopeo, plus helpers to
 * take archives apart and put (altered) ones back together with tar-stream.
 *
 * Built archives are cached for the duration of one test run (keyed by the
 * Vitest main process) so every test file can use them without rebuilding.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
	mkdir,
	mkdtemp,
	readdir,
	rename,
	rm,
	symlink,
	writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import tar, { type Header } from 'tar-stream';

const run = promisify( execFile );

export interface TarEntry {
	header: Header;
	body: Buffer;
}

const ARCHIVE_FILES = {
	/** skopeo docker-archive: uncompressed layers, legacy symlinks. */
	dockerArchive: 'demo-docker.tar',
	/** skopeo oci-archive: gzip layers. */
	ociArchive: 'demo-oci.tar',
	/** The OCI layout itself tarred: two images ("app" and "other"). */
	twoImageArchive: 'two-images.tar',
	/** A layout skopeo wrote with uncompressed layers declared gzip, tarred. */
	mislabelledArchive: 'mislabelled.tar',
};

export type BuiltImages = Record< keyof typeof ARCHIVE_FILES, string > & {
	dir: string;
};

export const DOCKER_REFERENCE = 'example.test/demo:1.0';

export const IMAGE_SETTINGS = {
	os: 'linux',
	architecture: 'arm64',
	exposedPorts: [ '8080/tcp', '9090/udp' ],
	env: [ 'APP_MODE=production' ],
	labels: { 'org.opencontainers.image.title': 'demo' },
	entrypoint: [ '/usr/local/bin/demo' ],
	cmd: [ 'serve' ],
	layerCount: 3,
};

export function sha256( data: Buffer | string ): string {
	return `sha256:${ createHash( 'sha256' ).update( data ).digest( 'hex' ) }`;
}

async function tarDirectory( dir: string, file: string ): Promise< void > {
	await run( 'tar', [ '-C', dir, '-cf', file, '.' ] );
}

async function buildImages( dir: string ): Promise< void > {
	const layout = path.join( dir, 'layout' );
	const umoci = ( ...args: string[] ) => run( 'umoci', args, { cwd: dir } );
	await umoci( 'init', '--layout', layout );
	await umoci( 'new', '--image', `${ layout }:app` );

	const etc = path.join( dir, 'rootfs-etc' );
	await mkdir( path.join( etc, 'etc', 'demo' ), { recursive: true } );
	await writeFile(
		path.join( etc, 'etc', 'demo', 'demo.conf' ),
		'listen = 8080\n'
	);
	// Absolute link targets are normal inside a layer; the validator must accept them.
	await symlink(
		'/usr/local/bin/demo',
		path.join( etc, 'etc', 'demo', 'binary' )
	);
	await umoci(
		'insert',
		'--rootless',
		'--image',
		`${ layout }:app`,
		etc,
		'/'
	);

	const data = path.join( dir, 'rootfs-data' );
	await mkdir( data, { recursive: true } );
	await writeFile(
		path.join( data, 'seed.bin' ),
		createHash( 'sha512' )
			.update( dir )
			.digest()
			.toString( 'hex' )
			.repeat( 2000 )
	);
	await umoci(
		'insert',
		'--rootless',
		'--image',
		`${ layout }:app`,
		data,
		'/opt/data'
	);

	const bin = path.join( dir, 'rootfs-bin' );
	await mkdir( bin, { recursive: true } );
	await writeFile( path.join( bin, 'demo' ), '#!/bin/sh\necho demo\n', {
		mode: 0o755,
	} );
	await umoci(
		'insert',
		'--rootless',
		'--image',
		`${ layout }:app`,
		bin,
		'/usr/local/bin'
	);

	const s = IMAGE_SETTINGS;
	await umoci(
		'config',
		'--image',
		`${ layout }:app`,
		'--os',
		s.os,
		'--architecture',
		s.architecture,
		...s.exposedPorts.flatMap( ( port ) => [
			'--config.exposedports',
			port,
		] ),
		...s.env.flatMap( ( env ) => [ '--config.env', env ] ),
		...Object.entries( s.labels ).flatMap( ( [ key, value ] ) => [
			'--config.label',
			`${ key }=${ value }`,
		] ),
		'--config.entrypoint',
		s.entrypoint[ 0 ] as string,
		'--config.cmd',
		s.cmd[ 0 ] as string
	);

	const file = ( name: keyof typeof ARCHIVE_FILES ) =>
		path.join( dir, ARCHIVE_FILES[ name ] );
	await run( 'skopeo', [
		'copy',
		'-q',
		`oci:${ layout }:app`,
		`docker-archive:${ file( 'dockerArchive' ) }:${ DOCKER_REFERENCE }`,
	] );
	await run( 'skopeo', [
		'copy',
		'-q',
		`oci:${ layout }:app`,
		`oci-archive:${ file( 'ociArchive' ) }:app`,
	] );

	const plain = path.join( dir, 'plain-layout' );
	await run( 'skopeo', [
		'copy',
		'-q',
		'--dest-oci-accept-uncompressed-layers',
		`docker-archive:${ file( 'dockerArchive' ) }`,
		`oci:${ plain }:app`,
	] );
	await tarDirectory( plain, file( 'mislabelledArchive' ) );

	await umoci( 'new', '--image', `${ layout }:other` );
	await tarDirectory( layout, file( 'twoImageArchive' ) );
}

function archivePaths( dir: string ): BuiltImages {
	const paths = Object.fromEntries(
		Object.entries( ARCHIVE_FILES ).map( ( [ key, name ] ) => [
			key,
			path.join( dir, name ),
		] )
	);
	return {
		...( paths as Record< keyof typeof ARCHIVE_FILES, string > ),
		dir,
	};
}

let cached: Promise< BuiltImages > | undefined;

/** The test images, built once per test run. */
export function testImages(): Promise< BuiltImages > {
	cached ??= ( async () => {
		const root = tmpdir();
		const runKey = `orbit-test-images-${ process.ppid }`;
		const dir = path.join( root, runKey );
		if ( existsSync( path.join( dir, 'done' ) ) ) {
			return archivePaths( dir );
		}
		// Leftovers of earlier runs whose process is gone.
		for ( const name of await readdir( root ) ) {
			const pid = /^orbit-test-images-(\d+)$/.exec( name )?.[ 1 ];
			if ( pid && name !== runKey && ! existsSync( `/proc/${ pid }` ) ) {
				await rm( path.join( root, name ), {
					recursive: true,
					force: true,
				} );
			}
		}
		// Build aside, then move into place: test files of the same run may build concurrently.
		const staging = await mkdtemp(
			path.join( root, 'orbit-image-build-' )
		);
		await buildImages( staging );
		await writeFile( path.join( staging, 'done' ), '' );
		try {
			await rename( staging, dir );
		} catch {
			await rm( staging, { recursive: true, force: true } );
		}
		return archivePaths( dir );
	} )();
	return cached;
}

/** Every entry of a (small) tar archive, with its bytes. */
export async function readTar( data: Buffer ): Promise< TarEntry[] > {
	const extract = tar.extract();
	const entries: TarEntry[] = [];
	const done = ( async () => {
		for await ( const entry of extract ) {
			const chunks: Buffer[] = [];
			for await ( const chunk of entry as unknown as AsyncIterable< Buffer > ) {
				chunks.push( chunk );
			}
			entries.push( {
				header: entry.header,
				body: Buffer.concat( chunks ),
			} );
		}
	} )();
	Readable.from( [ data ] ).pipe( extract );
	await done;
	return entries;
}

/** A tar archive of the given entries, in order; sizes are taken from the bodies. */
export async function writeTar(
	entries: Array< {
		header: Partial< Header > & { name: string };
		body?: Buffer;
	} >
): Promise< Buffer > {
	const pack = tar.pack();
	const chunks: Buffer[] = [];
	const collected = ( async () => {
		for await ( const chunk of pack as unknown as AsyncIterable< Buffer > ) {
			chunks.push( chunk );
		}
	} )();
	for ( const { header, body } of entries ) {
		await new Promise< void >( ( resolve, reject ) => {
			const fields = {
				...header,
				...( body ? { size: body.length } : {} ),
			};
			pack.entry( fields, body ?? Buffer.alloc( 0 ), ( error ) =>
				error ? reject( error ) : resolve()
			);
		} );
	}
	pack.finalize();
	await collected;
	return Buffer.concat( chunks );
}

export function fileEntry(
	name: string,
	body: Buffer | string
): { header: Partial< Header > & { name: string }; body: Buffer } {
	return {
		header: { name, type: 'file', mode: 0o644 },
		body: Buffer.from( body ),
	};
}

/** A layer tar holding the given entries, optionally gzip-compressed. */
export async function layerTar(
	entries: Array< {
		header: Partial< Header > & { name: string };
		body?: Buffer;
	} >,
	gzip = false
): Promise< Buffer > {
	const data = await writeTar( entries );
	return gzip ? gzipSync( data ) : data;
}

export function jsonEntry( entries: TarEntry[], name: string ): unknown {
	const entry = entries.find( ( e ) => e.header.name === name );
	if ( ! entry ) {
		throw new Error( `no ${ name } in archive` );
	}
	return JSON.parse( entry.body.toString( 'utf8' ) );
}
