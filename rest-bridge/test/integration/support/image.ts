import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	buildImage,
	inspectManifest,
	saveArchive,
} from '../../../../scripts/lib/images.mjs';

export interface BuiltImage {
	archive: string;
	configDigest: string;
	layerCount: number;
}

/**
 * Builds a real image offline with umoci (two layers, one holding `bigBytes`
 * of random data so the archive needs several upload parts) and saves it
 * with skopeo as a docker-archive.
 */
export async function buildDockerArchive(
	dir: string,
	bigBytes: number
): Promise< BuiltImage > {
	const image = await buildImage( {
		dir,
		layers: [
			{ '/srv/index.html': '<h1>hello</h1>\n' },
			{ '/srv/blob.bin': randomBytes( bigBytes ) },
		],
		config: {
			ports: [ '8080/tcp' ],
			entrypoint: [ '/bin/httpd' ],
			env: { GREETING: 'hello' },
		},
	} );
	const archive = await saveArchive(
		image,
		join( dir, 'hello.tar' ),
		'hello-web:1.0'
	);
	// The config blob travels unchanged into the docker-archive.
	const manifest = await inspectManifest( `oci:${ image }` );
	return {
		archive,
		configDigest: manifest.config.digest,
		layerCount: manifest.layers.length,
	};
}

export function readArchive( file: string ): Buffer {
	return readFileSync( file );
}
