/**
 * The public catalog: an editor puts the catalog block on a page, a visitor finds the
 * apps on it and searches them without JavaScript.
 */
import { expect, test, type Page } from '@playwright/test';

import {
	logIn,
	readStack,
	screenshotPath,
	skipEditorIntroductions,
	userWithRole,
} from '../support/stack';

const stack = readStack();

interface PublicApp {
	id: number;
	name: string;
	title: string;
	link: string;
}

/** The apps a visitor may see, as the anonymous REST API lists them. */
async function publicApps(): Promise< PublicApp[] > {
	const response = await fetch(
		`${ stack.wordpress.restUrl }/k8or-orbit/v1/apps&per_page=50&orderby=title&order=asc`
	);
	expect( response.status ).toBe( 200 );
	return ( await response.json() ) as PublicApp[];
}

/** Opens a new page in the block editor, which opens on the canvas (see skipEditorIntroductions). */
async function newPage( page: Page ) {
	await page.goto(
		`${ stack.wordpress.adminUrl }post-new.php?post_type=page`
	);
	await expect(
		page.locator( '.interface-interface-skeleton' )
	).toBeVisible();
	await expect( page.getByRole( 'dialog' ) ).toHaveCount( 0 );
}

test( 'an editor publishes a page with the catalog block and a visitor sees the apps on it', async ( {
	page,
	browser,
} ) => {
	const apps = await publicApps();
	expect(
		apps.length,
		'the stack has published apps to show (uploaded earlier in the run)'
	).toBeGreaterThan( 0 );

	const editor = userWithRole( stack, 'editor' );
	await skipEditorIntroductions( stack, editor );
	await logIn( page, stack, editor );
	await newPage( page );
	const canvas = page.frameLocator( 'iframe[name="editor-canvas"]' );
	await canvas
		.getByRole( 'textbox', { name: 'Add title' } )
		.fill( `Our apps ${ Date.now() }` );

	await page
		.getByRole( 'button', { name: /Block Inserter|Toggle block inserter/ } )
		.click();
	await page
		.getByRole( 'searchbox', { name: /Search/ } )
		.fill( 'App catalog' );
	// The block, not the pattern of the same name.
	await page.locator( '.editor-block-list-item-k8or-orbit-catalog' ).click();

	// The editor shows the server's own render of the block.
	await expect(
		canvas.locator( '.wp-block-k8or-orbit-catalog__item' ).first()
	).toBeVisible();

	await page.getByRole( 'button', { name: 'Publish', exact: true } ).click();
	await page
		.getByRole( 'region', { name: /Editor publish/ } )
		.getByRole( 'button', { name: 'Publish', exact: true } )
		.click();
	const viewLink = page
		.getByRole( 'region', { name: /Editor publish/ } )
		.getByRole( 'link', { name: /View Page/ } )
		.first();
	await expect( viewLink ).toBeVisible();
	const url = ( await viewLink.getAttribute( 'href' ) ) as string;

	const visitor = await browser.newContext();
	const visitorPage = await visitor.newPage();
	await visitorPage.goto( url );
	const items = visitorPage.locator( '.wp-block-k8or-orbit-catalog__item' );
	await expect( items ).toHaveCount( Math.min( apps.length, 12 ) );
	await expect(
		visitorPage.locator( '.wp-block-k8or-orbit-catalog__count' )
	).toHaveText( apps.length === 1 ? '1 app' : `${ apps.length } apps` );
	const first = apps[ 0 ] as PublicApp;
	await expect(
		visitorPage.getByRole( 'link', { name: first.title } )
	).toHaveAttribute( 'href', first.link );
	await visitorPage.screenshot( {
		path: screenshotPath( 'catalog-page' ),
		fullPage: true,
	} );
	await visitor.close();
} );

test( 'a visitor without JavaScript searches the catalog at /apps/ and pages through it', async ( {
	browser,
} ) => {
	const apps = await publicApps();
	expect( apps.length ).toBeGreaterThan( 0 );
	const visitor = await browser.newContext( { javaScriptEnabled: false } );
	const page = await visitor.newPage();
	await page.goto( `${ stack.wordpress.url }/apps/` );
	const catalog = page.locator( '.wp-block-k8or-orbit-catalog' );
	await expect( catalog ).toBeVisible();

	const wanted = apps[ apps.length - 1 ] as PublicApp;
	await page.getByLabel( 'Search apps' ).fill( wanted.name );
	await page.getByRole( 'button', { name: 'Search' } ).click();
	await expect( page ).toHaveURL( new RegExp( `orbit_q=${ wanted.name }` ) );
	await expect(
		catalog.getByRole( 'link', { name: wanted.title } )
	).toBeVisible();
	const shown = await catalog
		.locator( '.wp-block-k8or-orbit-catalog__title a' )
		.allTextContents();
	expect( shown.length ).toBeGreaterThan( 0 );
	expect( shown.length ).toBeLessThan( apps.length + 1 );

	await page.getByLabel( 'Search apps' ).fill( 'no-such-app-anywhere' );
	await page.getByRole( 'button', { name: 'Search' } ).click();
	await expect(
		catalog.getByText( 'No apps match. Try another search or category.' )
	).toBeVisible();
	await visitor.close();
} );
