/**
 * The operator's first path end to end: an image archive built here with umoci and
 * skopeo goes up from the console straight to storage, the job's steps turn done, and
 * the app appears in Images and, for a visitor, on its own page. A second upload of the
 * app adds a version, listed in the console and on the page.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import {
	logIn,
	readStack,
	screenshotPath,
	userWithRole,
} from '../support/stack';
import { buildArchive } from '../support/images';

const stack = readStack();

test( 'an operator uploads an archive and the app is published with its digest and port; a second upload adds a version', async ( {
	page,
	browser,
} ) => {
	test.setTimeout( 240_000 );
	const appName = `e2e-${ Date.now().toString( 36 ) }`;
	const dir = await mkdtemp( path.join( tmpdir(), 'orbit-e2e-upload-' ) );
	try {
		const { archive, manifest } = await buildArchive( dir, appName );

		await logIn( page, stack, userWithRole( stack, 'orbit_operator' ) );
		await page.goto(
			`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#upload`
		);
		await page.locator( '#k8or-orbit-archive' ).setInputFiles( archive );
		await expect( page.getByLabel( 'Container port' ) ).toHaveValue(
			'8080'
		);
		await expect( page.getByLabel( 'Name' ) ).toHaveValue( appName );
		// The version label comes from the archive's tag.
		await expect( page.getByLabel( 'Version' ) ).toHaveValue( '1.0' );
		await page.screenshot( {
			path: screenshotPath( 'upload-screen' ),
			fullPage: true,
		} );

		await page
			.locator( 'form' )
			.getByRole( 'button', { name: 'Upload', exact: true } )
			.click();
		const bar = page.getByRole( 'progressbar', {
			name: 'Upload progress',
		} );
		await expect(
			page.locator( '.k8or-orbit-progress__text' )
		).toContainText( '100 %' );
		await expect( bar ).toHaveAttribute(
			'value',
			String( ( await stat( archive ) ).size )
		);

		await expect(
			page.locator( '.k8or-orbit-job' ).getByText( 'The job finished.' )
		).toBeVisible( {
			timeout: 180_000,
		} );
		// The steps came over the live link, not by polling.
		await expect(
			page.locator( '.k8or-orbit-job__mode' )
		).not.toContainText( 'unavailable' );
		const steps = page.locator( '.k8or-orbit-job__step' );
		expect( await steps.count() ).toBeGreaterThan( 3 );
		for ( const status of await steps.evaluateAll( ( items ) =>
			items.map( ( item ) => item.getAttribute( 'data-status' ) )
		) ) {
			expect( status ).toBe( 'succeeded' );
		}

		await page
			.getByRole( 'navigation', { name: 'Orbit console' } )
			.getByRole( 'button', { name: 'Images' } )
			.click();
		await page
			.getByRole( 'searchbox', { name: 'Search apps' } )
			.fill( appName );
		await expect(
			page
				.locator( '.dataviews-view-table tbody tr' )
				.filter( { hasText: appName } )
		).toHaveCount( 1 );
		await page.screenshot( {
			path: screenshotPath( 'images-table' ),
			fullPage: true,
		} );

		// What skopeo says the image is, to check the page against.
		const configDigest = manifest.config.digest;
		// A visitor finds the new app in the catalog at /apps/ and opens its page.
		const visitor = await browser.newContext();
		const visitorPage = await visitor.newPage();
		await visitorPage.goto( `${ stack.wordpress.url }/apps/` );
		await visitorPage.getByLabel( 'Search apps' ).fill( appName );
		await visitorPage.getByRole( 'button', { name: 'Search' } ).click();
		await visitorPage
			.locator( '.wp-block-k8or-orbit-catalog' )
			.getByRole( 'link', { name: appName } )
			.click();
		await expect( visitorPage ).toHaveURL(
			new RegExp( `/apps/${ appName }/` )
		);
		const facts = visitorPage.locator( '.k8or-orbit-image-facts' );
		await expect( facts.locator( '.is-fact-image-id dd' ) ).toHaveText(
			configDigest
		);
		await expect( facts.locator( '.is-fact-ports dd' ) ).toHaveText(
			'8080/tcp'
		);
		await visitorPage.screenshot( {
			path: screenshotPath( 'app-page' ),
			fullPage: true,
		} );

		// A second upload of the app, another image, adds version 1.0.1.
		const second = await buildArchive(
			await mkdtemp( path.join( dir, 'second-' ) ),
			appName,
			64 * 1024
		);
		await page
			.getByRole( 'navigation', { name: 'Orbit console' } )
			.getByRole( 'button', { name: 'Upload' } )
			.click();
		const uploadOf = async ( label: string ) => {
			await page
				.locator( '#k8or-orbit-archive' )
				.setInputFiles( second.archive );
			await expect( page.getByLabel( 'Container port' ) ).toHaveValue(
				'8080'
			);
			await page.getByLabel( 'Version' ).fill( label );
			await page
				.locator( 'form' )
				.getByRole( 'button', { name: /^(Upload|Try again)$/ } )
				.click();
		};
		// A label the app has is refused before anything is sent.
		await uploadOf( '1.0' );
		await expect(
			page.locator( '.k8or-orbit-upload .components-notice' )
		).toContainText( `${ appName } already has a version 1.0` );
		await uploadOf( '1.0.1' );
		await expect(
			page.locator( '.k8or-orbit-job' ).getByText( 'The job finished.' )
		).toBeVisible( { timeout: 180_000 } );

		// The console lists both versions, the newest first and current.
		await page
			.getByRole( 'navigation', { name: 'Orbit console' } )
			.getByRole( 'button', { name: 'Images' } )
			.click();
		await page
			.getByRole( 'searchbox', { name: 'Search apps' } )
			.fill( appName );
		const row = page
			.locator( '.dataviews-view-table tbody tr' )
			.filter( { hasText: appName } );
		await expect( row ).toContainText( '1.0.1' );
		await row.getByRole( 'button', { name: 'Actions' } ).click();
		await page.getByRole( 'menuitem', { name: 'Versions' } ).click();
		const versions = page.locator( '.k8or-orbit-versions tbody tr' );
		await expect( versions ).toHaveCount( 2 );
		await expect( versions.nth( 0 ) ).toContainText( '1.0.1 (current)' );
		await expect( versions.nth( 1 ) ).toContainText( '1.0' );
		await expect(
			versions
				.nth( 0 )
				.locator( `code[title="${ second.manifest.config.digest }"]` )
		).toHaveCount( 1 );
		await expect(
			versions.nth( 1 ).locator( `code[title="${ configDigest }"]` )
		).toHaveCount( 1 );
		await page.screenshot( {
			path: screenshotPath( 'versions' ),
			fullPage: true,
		} );

		// The visitor's page now shows the newest image and lists both versions.
		await visitorPage.reload();
		await expect( facts.locator( '.is-fact-image-id dd' ) ).toHaveText(
			second.manifest.config.digest
		);
		const listed = visitorPage.locator(
			'table.k8or-orbit-versions tbody tr'
		);
		await expect( listed ).toHaveCount( 2 );
		await expect( listed.nth( 0 ) ).toContainText( '1.0.1 (current)' );
		await expect( listed.nth( 1 ) ).toContainText( configDigest );
		// Who uploaded is not for visitors.
		await expect(
			visitorPage.locator( 'table.k8or-orbit-versions' )
		).not.toContainText( 'Uploaded by' );
		await visitor.close();
	} finally {
		await rm( dir, { recursive: true, force: true } );
	}
} );

test( 'a reload in the middle of an upload resumes it without starting over', async ( {
	page,
} ) => {
	test.setTimeout( 240_000 );
	const appName = `e2e-resume-${ Date.now().toString( 36 ) }`;
	const dir = await mkdtemp( path.join( tmpdir(), 'orbit-e2e-resume-' ) );
	try {
		// About 22 MB: five parts of 5 MiB.
		const { archive } = await buildArchive(
			dir,
			appName,
			22 * 1000 * 1000
		);
		const partOf = ( url: string ) =>
			Number( new URL( url ).searchParams.get( 'partNumber' ) );
		const isPart = ( url: string, method: string ) =>
			method === 'PUT' && url.startsWith( stack.s3.endpoint );

		await logIn( page, stack, userWithRole( stack, 'orbit_operator' ) );
		await page.goto(
			`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#upload`
		);
		// A slow uplink (1 MB/s), so the reload lands in the middle of the upload:
		// right after the first part arrived, while the last one is still going up.
		const network = await page.context().newCDPSession( page );
		await network.send( 'Network.enable' );
		const uplink = ( bytesPerSecond: number ) =>
			network.send( 'Network.emulateNetworkConditions', {
				offline: false,
				latency: 0,
				downloadThroughput: -1,
				uploadThroughput: bytesPerSecond,
			} );
		await uplink( 1024 * 1024 );
		await page.locator( '#k8or-orbit-archive' ).setInputFiles( archive );
		await page
			.locator( 'form' )
			.getByRole( 'button', { name: 'Upload', exact: true } )
			.click();
		// Reload as soon as the console has recorded a stored part.
		const recordedParts = () =>
			page.evaluate( () => {
				const records = JSON.parse(
					window.localStorage.getItem(
						'k8or-orbit:unfinished-uploads'
					) ?? '{}'
				) as Record<
					string,
					{ parts?: Array< { partNumber: number } > }
				>;
				return Object.values( records ).flatMap( ( record ) =>
					( record.parts ?? [] ).map( ( part ) => part.partNumber )
				);
			} );
		await expect
			.poll( recordedParts, { timeout: 90_000, intervals: [ 50 ] } )
			.not.toHaveLength( 0 );
		const storedBeforeReload = await recordedParts();
		await page.reload();
		await uplink( -1 );
		const requestsAfterReload: Array< { url: string; method: string } > =
			[];
		page.on( 'request', ( request ) =>
			requestsAfterReload.push( {
				url: request.url(),
				method: request.method(),
			} )
		);
		await page.locator( '#k8or-orbit-archive' ).setInputFiles( archive );
		await expect(
			page
				.locator( '.k8or-orbit-upload' )
				.getByText( 'Part of this file was uploaded before.', {
					exact: false,
				} )
		).toBeVisible();
		await page
			.locator( 'form' )
			.getByRole( 'button', { name: 'Upload', exact: true } )
			.click();
		await expect(
			page.locator( '.k8or-orbit-job' ).getByText( 'The job finished.' )
		).toBeVisible( { timeout: 180_000 } );

		const partCount = Math.ceil(
			( await stat( archive ) ).size / ( 5 * 1024 * 1024 )
		);
		// Only the parts that had not arrived went up again.
		const sentAfterReload = requestsAfterReload
			.filter( ( { url, method } ) => isPart( url, method ) )
			.map( ( { url } ) => partOf( url ) );
		expect( sentAfterReload.length ).toBeLessThan( partCount );
		for ( const part of storedBeforeReload ) {
			expect( sentAfterReload ).not.toContain( part );
		}
		await expect(
			page.locator( '.k8or-orbit-progress__text' )
		).toContainText( 'resumed with' );
	} finally {
		await rm( dir, { recursive: true, force: true } );
	}
} );
