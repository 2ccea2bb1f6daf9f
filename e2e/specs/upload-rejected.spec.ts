/**
 * A hostile archive: it looks like an image to the browser, but a layer's bytes do not match
 * its digest. The upload ends with a readable error on the failed step and nothing is published.
 */
import { readFile, readdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import {
	logIn,
	readStack,
	screenshotPath,
	userWithRole,
} from '../support/stack';
import { buildArchive, run } from '../support/images';

const stack = readStack();

/** Rewrites one byte of the first layer, keeping the archive a well-formed tar. */
async function tamperWithFirstLayer( archive: string, dir: string ) {
	const unpacked = path.join( dir, 'unpacked' );
	await run( 'mkdir', [ '-p', unpacked ] );
	await run( 'tar', [ '-xf', archive, '-C', unpacked ] );
	const manifest = JSON.parse(
		await readFile( path.join( unpacked, 'manifest.json' ), 'utf8' )
	) as Array< { Layers: string[] } >;
	const layerFile = path.join( unpacked, manifest[ 0 ]!.Layers[ 0 ]! );
	const layer = await readFile( layerFile );
	const at = layer.indexOf( '<h1>' );
	expect( at, 'the layer holds the page written into it' ).toBeGreaterThan(
		0
	);
	layer[ at + 1 ] = 'H'.charCodeAt( 0 );
	await writeFile( layerFile, layer );
	const tampered = path.join( dir, 'tampered.tar' );
	await run( 'tar', [
		'-cf',
		tampered,
		'-C',
		unpacked,
		...( await readdir( unpacked ) ),
	] );
	return tampered;
}

test( 'a tampered archive ends with a readable error and no published app', async ( {
	page,
} ) => {
	test.setTimeout( 180_000 );
	const appName = `e2e-bad-${ Date.now().toString( 36 ) }`;
	const dir = await mkdtemp( path.join( tmpdir(), 'orbit-e2e-rejected-' ) );
	try {
		const { archive } = await buildArchive( dir, appName );
		const tampered = await tamperWithFirstLayer( archive, dir );

		await logIn( page, stack, userWithRole( stack, 'orbit_operator' ) );
		await page.goto(
			`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#upload`
		);
		await page.locator( '#k8or-orbit-archive' ).setInputFiles( tampered );
		await expect( page.getByLabel( 'Name' ) ).toHaveValue( appName );
		await page
			.locator( 'form' )
			.getByRole( 'button', { name: 'Upload', exact: true } )
			.click();

		const job = page.locator( '.k8or-orbit-job' );
		await expect(
			job.getByText(
				'The job failed. The failed step above says what to do.'
			)
		).toBeVisible( { timeout: 120_000 } );
		const failed = job.locator(
			'.k8or-orbit-job__step[data-status="failed"]'
		);
		await expect( failed ).toHaveCount( 1 );
		await expect(
			failed.locator( '.k8or-orbit-job__step-message' )
		).toContainText( /digest/i );
		await page.screenshot( {
			path: screenshotPath( 'upload-rejected' ),
			fullPage: true,
		} );

		// Nothing was published: not for visitors, and not even a draft for the operator.
		const anonymous = await fetch(
			`${ stack.wordpress.restUrl }/k8or-orbit/v1/apps&name=${ appName }`
		);
		expect( await anonymous.json() ).toEqual( [] );
		const operator = userWithRole( stack, 'orbit_operator' );
		const privileged = await fetch(
			`${ stack.wordpress.restUrl }/k8or-orbit/v1/apps&name=${ appName }&include_deleted=true`,
			{
				headers: {
					Authorization: `Basic ${ Buffer.from(
						`${ operator.login }:${ operator.applicationPassword }`
					).toString( 'base64' ) }`,
				},
			}
		);
		expect( privileged.status ).toBe( 200 );
		expect( await privileged.json() ).toEqual( [] );
	} finally {
		await rm( dir, { recursive: true, force: true } );
	}
} );
