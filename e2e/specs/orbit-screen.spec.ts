/**
 * The first thing an administrator checks: the Orbit screen in wp-admin says the bridge is connected.
 */
import { expect, test } from '@playwright/test';

import {
	logIn,
	readStack,
	screenshotPath,
	userWithRole,
} from '../support/stack';

const stack = readStack();

test( 'the administrator sees the Orbit screen with the bridge connected', async ( {
	page,
} ) => {
	await logIn( page, stack, userWithRole( stack, 'administrator' ) );
	await page.goto( `${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit` );
	const status = page.locator( '#k8or-orbit-bridge-status' );
	await expect( status ).toHaveAttribute( 'data-status', 'connected' );
	await expect( status ).toContainText( 'Bridge connected' );
	await page.screenshot( {
		path: screenshotPath( 'orbit-screen' ),
		fullPage: true,
	} );
} );

test( 'an editor has no Orbit screen', async ( { page } ) => {
	await logIn( page, stack, userWithRole( stack, 'editor' ) );
	await expect( page.locator( '#adminmenu' ) ).toBeVisible();
	await expect(
		page.locator( '#adminmenu a[href*="page=k8or-orbit"]' )
	).toHaveCount( 0 );
	const response = await page.goto(
		`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit`
	);
	expect( response?.status() ).toBe( 403 );
} );
