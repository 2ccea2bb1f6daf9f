/**
 * Real image archives for the browser tests, built here with umoci and skopeo.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

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
	const layout = path.join( dir, 'layout' );
	await run( 'umoci', [ 'init', '--layout', layout ] );
	await run( 'umoci', [ 'new', '--image', `${ layout }:app` ] );
	const root = path.join( dir, 'rootfs' );
	await mkdir( root );
	await writeFile(
		path.join( root, 'index.html' ),
		`<h1>${ appName }</h1>\n`
	);
	if ( payloadBytes > 0 ) {
		await writeFile(
			path.join( root, 'payload.bin' ),
			randomBytes( payloadBytes )
		);
	}
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
		'linux',
		'--architecture',
		'amd64',
		'--config.exposedports',
		'8080/tcp',
	] );
	const archive = path.join( dir, `${ appName }.tar` );
	await run( 'skopeo', [
		'copy',
		'-q',
		`oci:${ layout }:app`,
		`docker-archive:${ archive }:example.test/${ appName }:1.0`,
	] );
	const { stdout } = await run( 'skopeo', [
		'inspect',
		'--raw',
		`docker-archive:${ archive }`,
	] );
	return { archive, manifest: stdout };
}
