/**
 * Real image archives for the browser tests, built here with umoci and skopeo.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import {
	buildImage,
	inspectManifest,
	saveArchive,
} from '../../scripts/lib/images.mjs';

export const run = promisify( execFile );

/**
 * Builds a small real image exposing 8080/tcp and writes it as a docker-archive.
 *
 * @param dir          Working folder.
 * @param appName      Name in the image reference, which the console turns into the app name.
 * @param payloadBytes Size of a file of random bytes in the image (makes the archive that big).
 */
export async function buildArchive(
	dir: string,
	appName: string,
	payloadBytes = 0
) {
	const files: Record< string, string | Uint8Array > = {
		'/srv/index.html': `<h1>${ appName }</h1>\n`,
	};
	if ( payloadBytes > 0 ) {
		files[ '/srv/payload.bin' ] = randomBytes( payloadBytes );
	}
	const image = await buildImage( {
		dir,
		layers: [ files ],
		config: { ports: [ '8080/tcp' ] },
	} );
	const archive = await saveArchive(
		image,
		path.join( dir, `${ appName }.tar` ),
		`example.test/${ appName }:1.0`
	);
	return {
		archive,
		manifest: await inspectManifest( `docker-archive:${ archive }` ),
	};
}
