/**
 * Debian's Chromium driven by Playwright, as the end-to-end tests drive it.
 */
export async function launchChromium() {
	// Loaded on use: it needs the npm dependencies the runner installs first.
	const { chromium } = await import( '@playwright/test' );
	return chromium.launch( {
		executablePath: process.env.ORBIT_CHROMIUM ?? '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
		],
	} );
}

export async function logIn( page, stack, user ) {
	await page.goto( `${ stack.wordpress.url }/wp-login.php` );
	await page.locator( '#user_login' ).fill( user.login );
	await page.locator( '#user_pass' ).fill( user.password );
	await page.locator( '#wp-submit' ).click();
	await page.waitForURL( /\/wp-admin\// );
}
