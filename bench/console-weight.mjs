/**
 * Console weight: the JavaScript and CSS the Orbit screen has loaded by the time its first screen
 * (Images) is usable, beyond what WordPress itself loads there, gzip-compressed; and how long after
 * navigation the first screen is usable, in Chromium, against the WordPress dashboard's load.
 */
import { gzipSync } from 'node:zlib';

import { launchChromium, logIn } from './lib/browser.mjs';
import { interleave, median, result } from './lib/measure.mjs';

const GOAL_KB = 150;
const GOAL_MS = 1000;
const PLUGIN_PATH = '/plugins/k8or-orbit/';
/** The Images screen is usable once its table (or its empty state) is on the page. */
const FIRST_SCREEN_READY =
	'.k8or-orbit-console__screen .dataviews-wrapper, .k8or-orbit-console__screen table';

async function openConsole( browser, stack, user ) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await logIn( page, stack, user );
	const loaded = [];
	page.on( 'response', async ( response ) => {
		const type = response.request().resourceType();
		if ( type !== 'script' && type !== 'stylesheet' ) {
			return;
		}
		try {
			loaded.push( {
				url: response.url(),
				gzipBytes: gzipSync( await response.body() ).length,
			} );
		} catch {
			// A response without a body (a redirect) weighs nothing.
		}
	} );
	await page.goto( `${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit`, {
		waitUntil: 'commit',
	} );
	await page.waitForSelector( FIRST_SCREEN_READY, { timeout: 30000 } );
	const usableMs = await page.evaluate( () => performance.now() );
	await context.close();
	const weigh = ( mine ) =>
		loaded
			.filter( ( { url } ) => url.includes( PLUGIN_PATH ) === mine )
			.reduce( ( sum, { gzipBytes } ) => sum + gzipBytes, 0 ) / 1000;
	return { usableMs, orbitKb: weigh( true ), wordpressKb: weigh( false ) };
}

async function openDashboard( browser, stack, user ) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await logIn( page, stack, user );
	await page.goto( stack.wordpress.adminUrl, { waitUntil: 'load' } );
	const loadMs = await page.evaluate(
		() => performance.getEntriesByType( 'navigation' )[ 0 ].loadEventEnd
	);
	await context.close();
	return loadMs;
}

export default {
	name: 'console-weight',
	title: 'Console weight and first screen in Chromium',
	needs: { stack: true, programs: { chromium: 'chromium' } },
	async run( { stack, smoke } ) {
		const browser = await launchChromium();
		try {
			const user = stack.wordpress.users.find(
				( { role } ) => role === 'administrator'
			);
			const runs = await interleave( smoke ? 1 : 5, {
				console: () => openConsole( browser, stack, user ),
				dashboard: () => openDashboard( browser, stack, user ),
			} );
			const orbitKb = median(
				runs.console.map( ( run ) => run.orbitKb )
			);
			const wordpressKb = median(
				runs.console.map( ( run ) => run.wordpressKb )
			);
			const usableMs = median(
				runs.console.map( ( run ) => run.usableMs )
			);
			return [
				result( {
					name: 'console JS+CSS beyond WordPress (gzip)',
					value: orbitKb,
					unit: 'KB',
					baseline: wordpressKb,
					goal: `≤ ${ GOAL_KB } KB`,
					ok: orbitKb <= GOAL_KB,
					note: "baseline: WordPress's own JS+CSS on the same screen",
				} ),
				result( {
					name: 'console first screen usable',
					value: usableMs,
					unit: 'ms',
					baseline: median( runs.dashboard ),
					goal: `≤ ${ GOAL_MS } ms`,
					ok: usableMs <= GOAL_MS,
					note: 'baseline: the WordPress dashboard until its load event',
				} ),
			];
		} finally {
			await browser.close();
		}
	},
};
