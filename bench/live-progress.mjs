/**
 * Live progress latency: from the bridge publishing a job event (its own message bus code) to the
 * console's job view showing it, on the real upload screen in Chromium over nats.ws. The baseline
 * is the same event reaching a plain NATS subscriber in Node: the transport alone.
 */
import fs from 'node:fs';
import path from 'node:path';

import { launchChromium, logIn } from './lib/browser.mjs';
import { median, percentile, result } from './lib/measure.mjs';

const GOAL_P99_MS = 50;
/** Events are spaced out so that each one's latency is its own, not a queue's. */
const SPACING_MS = 15;
const JOB_PATH = /\/k8or-orbit\/v1\/jobs\/([A-Za-z0-9_-]+)/;

/**
 * A finished upload on the console's upload screen, still following its job live.
 *
 * @param {Object} page    a Playwright page, logged in
 * @param {Object} stack   the stack description
 * @param {string} archive the archive file to upload
 */
async function uploadOnConsole( page, stack, archive ) {
	let jobId;
	page.on( 'request', ( request ) => {
		jobId ??= JOB_PATH.exec( decodeURIComponent( request.url() ) )?.[ 1 ];
	} );
	await page.goto(
		`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#upload`
	);
	await page.locator( '#k8or-orbit-archive' ).setInputFiles( archive );
	const name = page.getByLabel( 'Name' );
	await page.waitForFunction(
		( input ) => input.value !== '',
		await name.elementHandle()
	);
	const appName = await name.inputValue();
	await page
		.locator( 'form' )
		.getByRole( 'button', { name: 'Upload', exact: true } )
		.click();
	await page
		.locator( '.k8or-orbit-job' )
		.getByText( 'The job finished.' )
		.waitFor( { timeout: 180000 } );
	const mode = await page.locator( '.k8or-orbit-job__mode' ).textContent();
	if ( ! jobId || /unavailable/i.test( mode ?? '' ) ) {
		throw new Error(
			`The console is not following the job live (${ mode })`
		);
	}
	return { jobId, appName };
}

export default {
	name: 'progress',
	title: 'Live progress latency, bridge to browser',
	needs: {
		stack: true,
		programs: { chromium: 'chromium', umoci: 'umoci', skopeo: 'skopeo' },
	},
	async run( { repoRoot, stack, tmpDir, smoke } ) {
		const count = smoke ? 5 : 300;
		// Loaded on use: they need the npm dependencies the runner installs first.
		const { buildImage, saveArchive } =
			await import( '../scripts/lib/images.mjs' );
		const { NatsMessageBus } = await import(
			path.join( repoRoot, 'rest-bridge', 'dist', 'adapters', 'nats.js' )
		);
		const { accountUserAuthenticator } = await import(
			path.join(
				repoRoot,
				'rest-bridge',
				'dist',
				'nats-auth',
				'users.js'
			)
		);
		const { connect } = await import( '@nats-io/transport-node' );
		const dir = fs.mkdtempSync( path.join( tmpDir, 'progress-' ) );
		const image = await buildImage( {
			dir,
			layers: [ { '/srv/index.html': '<h1>bench</h1>\n' } ],
			config: { ports: [ '8080/tcp' ] },
		} );
		const archive = await saveArchive(
			image,
			path.join( dir, 'bench-live.tar' ),
			`example.test/bench-live-${ Date.now().toString( 36 ) }:1.0`
		);
		const browser = await launchChromium();
		const bus = await NatsMessageBus.connect(
			{
				url: stack.nats.url,
				accountSeed: stack.nats.accountSeed,
				liveCredentialsTtlSeconds: 600,
			},
			'orbit-bench'
		);
		// The baseline subscriber is a trusted Node process, signed by the account like the bridge.
		const listener = await connect( {
			servers: stack.nats.url,
			authenticator: await accountUserAuthenticator(
				stack.nats.accountSeed,
				'orbit-bench-listener'
			),
		} );
		try {
			const page = await browser.newPage();
			await logIn(
				page,
				stack,
				stack.wordpress.users.find(
					( { role } ) => role === 'orbit_operator'
				)
			);
			const { jobId, appName } = await uploadOnConsole(
				page,
				stack,
				archive
			);
			// Each new step row is stamped on the page's clock, which shares its epoch with Node's.
			await page.evaluate( () => {
				window.orbitBenchShown = {};
				new window.MutationObserver( () => {
					const now = performance.timeOrigin + performance.now();
					for ( const item of document.querySelectorAll(
						'.k8or-orbit-job__step-name'
					) ) {
						window.orbitBenchShown[ item.textContent ] ??= now;
					}
				} ).observe( document.querySelector( '.k8or-orbit-job' ), {
					childList: true,
					subtree: true,
					characterData: true,
				} );
			} );
			const received = {};
			const subscription = listener.subscribe(
				`orbit.events.*.${ jobId }`
			);
			void ( async () => {
				for await ( const message of subscription ) {
					received[ message.json().step ] ??=
						performance.timeOrigin + performance.now();
				}
			} )();
			const published = {};
			for ( let index = 0; index < count; index++ ) {
				const step = `bench-step-${ index }`;
				const event = {
					jobId,
					seq: 10000 + index,
					name: 'bench-progress',
					step,
					outcome: 'started',
					appName,
					environment: '',
					actor: { id: 0, login: 'bench' },
					time: new Date().toISOString(),
					data: {},
				};
				published[ step ] = performance.timeOrigin + performance.now();
				await bus.publishEvent(
					`orbit.events.${ appName }.${ jobId }`,
					event,
					`${ jobId }:${ event.seq }`
				);
				await new Promise( ( resolve ) =>
					setTimeout( resolve, SPACING_MS )
				);
			}
			await page.waitForFunction(
				( last ) => window.orbitBenchShown[ last ] !== undefined,
				`bench-step-${ count - 1 }`,
				{ timeout: 30000 }
			);
			const shown = await page.evaluate( () => window.orbitBenchShown );
			const latency = ( arrivals ) =>
				Object.keys( published ).map(
					( step ) => arrivals[ step ] - published[ step ]
				);
			const browserMs = latency( shown );
			const transportMs = latency( received ).filter( Number.isFinite );
			const p99 = percentile( browserMs, 0.99 );
			return [
				result( {
					name: 'live progress p99, bridge to browser',
					value: p99,
					unit: 'ms',
					baseline: percentile( transportMs, 0.99 ),
					goal: `≤ ${ GOAL_P99_MS } ms`,
					ok: p99 <= GOAL_P99_MS,
					note: `${ count } events; p50 ${ median( browserMs ).toFixed( 1 ) } ms vs ${ median( transportMs ).toFixed( 1 ) } ms to a NATS subscriber in Node (baseline)`,
				} ),
			];
		} finally {
			await bus.drain();
			await listener.close();
			await browser.close();
		}
	},
};
