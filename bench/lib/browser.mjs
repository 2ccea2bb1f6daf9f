/**
 * Debian's Chromium driven by Playwright, as the end-to-end tests drive it.
 */
import { chromiumLaunchOptions } from '../../e2e/support/chromium.mjs';

export { logIn } from '../../e2e/support/chromium.mjs';

export async function launchChromium() {
	// Loaded on use: it needs the npm dependencies the runner installs first.
	const { chromium } = await import( '@playwright/test' );
	return chromium.launch( chromiumLaunchOptions );
}
