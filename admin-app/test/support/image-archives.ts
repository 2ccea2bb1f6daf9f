/**
 * Real image archives for the console's tests: a small image built with umoci, written
 * by skopeo as docker-archive and oci-archive, exactly as an operator would make them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify( execFile );

export const IMAGE = {
	reference: 'example.test/hello-web:1.0',
	os: 'linux',
	architecture: 'amd64',
	exposedPorts: [ '8080/tcp', '9102/udp' ],
};

export interface ImageArchives {
	dockerArchive: Uint8Array< ArrayBuffer >;
	ociArchive: Uint8Array< ArrayBuffer >;
	remove: () => Promise< void >;
}

/** Builds the image and both archives in a fresh temporary folder. */
export async function buildImageArchives(): Promise< ImageArchives > {
	const dir = await mkdtemp( path.join( tmpdir(), 'orbit-console-test-' ) );
	const layout = path.join( dir, 'layout' );
	await run( 'umoci', [ 'init', '--layout', layout ] );
	await run( 'umoci', [ 'new', '--image', `${ layout }:app` ] );
	const root = path.join( dir, 'rootfs' );
	await mkdir( root );
	await writeFile( path.join( root, 'index.html' ), '<h1>hello</h1>\n' );
	await run( 'umoci', [
		'insert',
		'--rootless',
		'--image',
		`${ layout }:app`,
		root,
		'/srv',
	] );
	await run( 'umoci', [
		'config',
		'--image',
		`${ layout }:app`,
		'--os',
		IMAGE.os,
		'--architecture',
		IMAGE.architecture,
		...IMAGE.exposedPorts.flatMap( ( port ) => [
			'--config.exposedports',
			port,
		] ),
	] );
	const docker = path.join( dir, 'docker.tar' );
	const oci = path.join( dir, 'oci.tar' );
	await run( 'skopeo', [
		'copy',
		'-q',
		`oci:${ layout }:app`,
		`docker-archive:${ docker }:${ IMAGE.reference }`,
	] );
	await run( 'skopeo', [
		'copy',
		'-q',
		`oci:${ layout }:app`,
		`oci-archive:${ oci }:1.0`,
	] );
	return {
		dockerArchive: new Uint8Array( await readFile( docker ) ),
		ociArchive: new Uint8Array( await readFile( oci ) ),
		remove: () => rm( dir, { recursive: true, force: true } ),
	};
}
