/**
 * Real container images built offline with umoci and saved with skopeo, the way an operator
 * makes the archives they upload. Used by `npm start` for the sample apps and by the tests.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify( execFile );

/**
 * Builds an image in an OCI layout under `dir`: one layer per entry of `layers` (each a map of
 * absolute path in the image → file content), then the config.
 *
 * @param {import('./images.d.mts').ImageSpec} spec
 * @return {Promise<string>} The image reference in the layout ("<layout>:<tag>").
 */
export async function buildImage( { dir, layers = [], config = {} } ) {
	const layout = path.join( dir, 'layout' );
	const image = `${ layout }:image`;
	await exec( 'umoci', [ 'init', '--layout', layout ] );
	await exec( 'umoci', [ 'new', '--image', image ] );
	for ( const [ index, files ] of layers.entries() ) {
		const root = path.join( dir, `layer-${ index }` );
		for ( const [ target, content ] of Object.entries( files ) ) {
			const file = path.join( root, target );
			fs.mkdirSync( path.dirname( file ), { recursive: true } );
			// Scripts (starting with "#!") are executable, like in any image.
			const executable = String( content ).startsWith( '#!' );
			fs.writeFileSync( file, content, {
				mode: executable ? 0o755 : 0o644,
			} );
		}
		await exec( 'umoci', [
			'insert',
			'--rootless',
			'--image',
			image,
			root,
			'/',
		] );
	}
	await exec( 'umoci', [
		'config',
		'--image',
		image,
		'--os',
		config.os ?? 'linux',
		'--architecture',
		config.architecture ?? 'amd64',
		...( config.ports ?? [] ).flatMap( ( port ) => [
			'--config.exposedports',
			port,
		] ),
		...Object.entries( config.env ?? {} ).flatMap( ( [ name, value ] ) => [
			'--config.env',
			`${ name }=${ value }`,
		] ),
		...( config.entrypoint ?? [] ).flatMap( ( part ) => [
			'--config.entrypoint',
			part,
		] ),
		...Object.entries( config.labels ?? {} ).flatMap(
			( [ name, value ] ) => [ '--config.label', `${ name }=${ value }` ]
		),
	] );
	return image;
}

/**
 * Saves an image as an upload archive.
 *
 * @param {string}                         image     From buildImage().
 * @param {string}                         file      Where to write the archive.
 * @param {string}                         reference Name and tag recorded in it, e.g. "example.test/hello-web:1.0".
 * @param {'docker-archive'|'oci-archive'} [format]
 * @return {Promise<string>} The file.
 */
export async function saveArchive(
	image,
	file,
	reference,
	format = 'docker-archive'
) {
	const destination =
		format === 'docker-archive'
			? `${ file }:${ reference }`
			: `${ file }:${ reference.split( ':' ).pop() }`;
	await exec( 'skopeo', [
		'copy',
		'--quiet',
		`oci:${ image }`,
		`${ format }:${ destination }`,
	] );
	return file;
}

/**
 * The image manifest as skopeo reads it (of a layout image or an archive), e.g. to compare
 * digests with what Orbit reports.
 *
 * @param {string} transportReference E.g. "oci:<layout>:image" or "docker-archive:<file>".
 * @return {Promise<{config: {digest: string}, layers: Array<{digest: string}>}>} The manifest.
 */
export async function inspectManifest( transportReference ) {
	const { stdout } = await exec( 'skopeo', [
		'inspect',
		'--raw',
		transportReference,
	] );
	return JSON.parse( stdout );
}
