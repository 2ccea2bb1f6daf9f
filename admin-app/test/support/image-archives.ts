/**
 * Real image archives for the console's tests: a small image built with umoci, written
 * by skopeo as docker-archive and oci-archive, exactly as an operator would make them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { buildImage, saveArchive } from '../../../scripts/lib/images.mjs';

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
	const image = await buildImage( {
		dir,
		layers: [ { '/srv/index.html': '<h1>hello</h1>\n' } ],
		config: {
			os: IMAGE.os,
			architecture: IMAGE.architecture,
			ports: IMAGE.exposedPorts,
		},
	} );
	const docker = await saveArchive(
		image,
		path.join( dir, 'docker.tar' ),
		IMAGE.reference
	);
	const oci = await saveArchive(
		image,
		path.join( dir, 'oci.tar' ),
		IMAGE.reference,
		'oci-archive'
	);
	return {
		dockerArchive: new Uint8Array( await readFile( docker ) ),
		ociArchive: new Uint8Array( await readFile( oci ) ),
		remove: () => rm( dir, { recursive: true, force: true } ),
	};
}
