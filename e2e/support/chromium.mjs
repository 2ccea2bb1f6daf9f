/**
 * How the end-to-end tests and the benchmarks start Debian's Chromium and log in:
 * written once, read by both.
 */

/**
 * Launch options for Playwright's `chromium.launch`.
 *
 * Every host but the loopback resolves to "not found" at once: WordPress screens
 * link avatars and feeds on the internet, and on a closed network a lookup can
 * hang long enough to hold a page's load event for minutes.
 */
export const chromiumLaunchOptions = {
	executablePath: process.env.ORBIT_CHROMIUM ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-quic',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run',
		'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
	],
};

/**
 * Logs in through wp-login.php. Done once the dashboard's document is parsed:
 * its load event also waits for images from other hosts.
 *
 * @param {import('@playwright/test').Page}     page
 * @param {{ wordpress: { url: string } }}      stack
 * @param {{ login: string, password: string }} user
 */
export async function logIn( page, stack, user ) {
	await page.goto( `${ stack.wordpress.url }/wp-login.php` );
	await page.locator( '#user_login' ).fill( user.login );
	await page.locator( '#user_pass' ).fill( user.password );
	await page.locator( '#wp-submit' ).click();
	await page.waitForURL( /\/wp-admin\//, { waitUntil: 'domcontentloaded' } );
}
