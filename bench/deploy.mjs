/**
 * Deploy click → "committed" shown: an operator deploys a seeded app to dev from the console in
 * Chromium, timed from the click on "Deploy to dev" to the dialog saying "Status: committed".
 * The baseline is a plain `git push` of the same manifest files to the same git server, which is
 * the floor of any GitOps deploy. The issue sets no goal for this figure; it is reported.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { launchChromium, logIn } from './lib/browser.mjs';
import { interleave, median, result } from './lib/measure.mjs';

const APP = 'hello-web';
const ENVIRONMENT = 'dev';

function git( cwd, ...args ) {
	const outcome = spawnSync(
		'git',
		[
			'-c',
			'user.name=Orbit bench',
			'-c',
			'user.email=bench@orbit.localhost',
			...args,
		],
		{ cwd, encoding: 'utf8' }
	);
	if ( outcome.status !== 0 ) {
		throw new Error( `git ${ args.join( ' ' ) }: ${ outcome.stderr }` );
	}
	return outcome.stdout;
}

function basicAuth( user ) {
	return `Basic ${ Buffer.from(
		`${ user.login }:${ user.applicationPassword }`
	).toString( 'base64' ) }`;
}

async function restGet( stack, user, route ) {
	const response = await fetch( `${ stack.wordpress.restUrl }${ route }`, {
		headers: { Authorization: basicAuth( user ) },
	} );
	if ( ! response.ok ) {
		throw new Error(
			`GET ${ route } answered ${ response.status }: ${ await response.text() }`
		);
	}
	return response.json();
}

/**
 * One deploy through the console, timed from the click to "committed" on screen.
 *
 * @param {Object} page a Playwright page, logged in as an operator
 * @param {string} url  the app's console screen with its deploy form open
 * @return {Promise<number>} milliseconds
 */
async function deployOnConsole( page, url ) {
	await page.goto( 'about:blank' );
	await page.goto( url );
	const dialog = page.getByRole( 'dialog' );
	await dialog
		.getByRole( 'button', { name: 'Review deploy' } )
		.click( { timeout: 60000 } );
	const confirm = dialog.getByRole( 'button', {
		name: `Deploy to ${ ENVIRONMENT }`,
	} );
	await confirm.waitFor( { timeout: 60000 } );
	const startedAt = performance.now();
	await confirm.click();
	await dialog
		.locator( '.k8or-orbit-deploy-progress__status' )
		.getByText( /committed/ )
		.waitFor( { timeout: 180000 } );
	return performance.now() - startedAt;
}

export default {
	name: 'deploy',
	title: 'Deploy click to committed vs git push',
	needs: {
		stack: true,
		programs: {
			chromium: 'chromium',
			git: 'git',
			umoci: 'umoci',
			skopeo: 'skopeo',
		},
	},
	async run( { stack, tmpDir, smoke } ) {
		const rounds = smoke ? 1 : 5;
		// Loaded on use: it needs the npm dependencies the runner installs first.
		const { seedCatalog } = await import( '../scripts/lib/seed.mjs' );
		await seedCatalog( stack );
		const operator = stack.wordpress.users.find(
			( { role } ) => role === 'orbit_operator'
		);
		const [ app ] = await restGet(
			stack,
			operator,
			`/k8or-orbit/v1/apps&name=${ APP }`
		);
		if ( ! app ) {
			throw new Error(
				`The sample app ${ APP } is not in the catalog: the seeding failed (see its message above).`
			);
		}
		const clone = fs.mkdtempSync( path.join( tmpDir, 'deploy-baseline-' ) );
		git( tmpDir, 'clone', '--quiet', stack.gitops.url, clone );
		const browser = await launchChromium();
		try {
			const page = await browser.newPage();
			await logIn( page, stack, operator );
			const url = `${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#app/${ app.id }/deploy`;
			let pushes = 0;
			const times = await interleave( rounds, {
				deploy: () => deployOnConsole( page, url ),
				push: async () => {
					// The files the last deploy committed, written afresh and pushed alone.
					const { files } = await restGet(
						stack,
						operator,
						`/k8or-orbit/v1/apps/${ app.id }/manifests&environment=${ ENVIRONMENT }`
					);
					const folder = path.join(
						clone,
						'bench-baseline',
						String( ++pushes )
					);
					fs.mkdirSync( folder, { recursive: true } );
					for ( const [ name, text ] of Object.entries( files ) ) {
						fs.writeFileSync( path.join( folder, name ), text );
					}
					git( clone, 'pull', '--quiet', '--rebase' );
					git( clone, 'add', '--all' );
					git( clone, 'commit', '--quiet', '-m', 'bench baseline' );
					const startedAt = performance.now();
					git( clone, 'push', '--quiet' );
					return performance.now() - startedAt;
				},
			} );
			const deployMs = median( times.deploy );
			const pushMs = median( times.push );
			return [
				result( {
					name: 'deploy click to committed shown',
					value: deployMs,
					unit: 'ms',
					baseline: pushMs,
					goal: 'reported',
					ok: Number.isFinite( deployMs ),
					note: `median of ${ rounds } deploys of ${ APP } to ${ ENVIRONMENT } vs a plain git push of the same files (baseline)`,
				} ),
			];
		} finally {
			await browser.close();
		}
	},
};
