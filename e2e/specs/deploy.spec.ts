/**
 * Deploying: an operator from the console to dev, an administrator from a page's Deploy block
 * to prod and then rolling prod back from the console's chart view; who sees which button; a
 * policy-blocked image refused with its findings named.
 * The seeded apps carry Trivy's recorded Alpine 3.9 report: CVE-2019-14697 in musl is CRITICAL,
 * which dev (highest allowed: critical) lets through and test (high) blocks.
 */
import {
	expect,
	test,
	type APIRequestContext,
	type Browser,
	type Page,
} from '@playwright/test';

import {
	logIn,
	readStack,
	screenshotPath,
	skipEditorIntroductions,
	userWithRole,
	type StackUser,
} from '../support/stack';

const stack = readStack();

test.describe.configure( { mode: 'serial' } );

interface PublicApp {
	id: number;
	name: string;
	title: string;
	link: string;
	environments: Record<
		string,
		{ status: string; revision?: number; commit?: string }
	>;
}

const auth = ( user: StackUser ) => ( {
	Authorization: `Basic ${ Buffer.from(
		`${ user.login }:${ user.applicationPassword }`
	).toString( 'base64' ) }`,
} );

const rest = ( route: string ) => `${ stack.wordpress.restUrl }${ route }`;

async function seededApp(
	request: APIRequestContext,
	name: string,
	user?: StackUser
): Promise< PublicApp > {
	const response = await request.get(
		rest( `/k8or-orbit/v1/apps&name=${ name }` ),
		{ headers: user ? auth( user ) : {} }
	);
	expect( response.status() ).toBe( 200 );
	const [ app ] = ( await response.json() ) as PublicApp[];
	expect( app, `${ name } is seeded before the browser tests` ).toBeTruthy();
	return app as PublicApp;
}

async function asUser( browser: Browser, user: StackUser | null ) {
	const context = await browser.newContext();
	const page = await context.newPage();
	if ( user ) {
		await logIn( page, stack, user );
	}
	return { context, page };
}

/** Reviews the deploy in the open dialog and returns the confirmation's heading. */
async function review( page: Page ) {
	const dialog = page.getByRole( 'dialog' );
	await expect(
		dialog.getByRole( 'spinbutton', { name: 'Replicas' } )
	).not.toHaveValue( '' );
	await dialog.getByRole( 'button', { name: 'Review deploy' } ).click();
	return dialog.getByRole( 'heading', { name: /^Deploy .+\?$/ } );
}

/**
 * Runs `body` while prod lets CRITICAL findings through (it allows none by default and the
 * seeded images carry one), then puts the settings back.
 *
 * @param request The API client.
 * @param body    What to run meanwhile.
 */
async function withPermissiveProd(
	request: APIRequestContext,
	body: () => Promise< void >
) {
	const admin = userWithRole( stack, 'administrator' );
	const settings = await request.get( rest( '/k8or-orbit/v1/settings' ), {
		headers: auth( admin ),
	} );
	const environments = ( await settings.json() ).environments as Array< {
		name: string;
		policy: { maxSeverity: string };
	} >;
	const putSettings = async ( list: object[] ) =>
		expect(
			(
				await request.put( rest( '/k8or-orbit/v1/settings' ), {
					headers: {
						...auth( admin ),
						'Content-Type': 'application/json',
					},
					data: { environments: list },
				} )
			).status()
		).toBe( 200 );
	await putSettings(
		environments.map( ( environment ) =>
			environment.name === 'prod'
				? {
						...environment,
						policy: {
							...environment.policy,
							maxSeverity: 'critical',
						},
					}
				: environment
		)
	);
	try {
		await body();
	} finally {
		await putSettings( environments );
	}
}

let blockPageUrl = '';

test( 'an operator deploys a seeded app to dev from the console and sees it committed', async ( {
	page,
	request,
} ) => {
	test.setTimeout( 240_000 );
	const operator = userWithRole( stack, 'orbit_operator' );
	const app = await seededApp( request, 'hello-web', operator );
	await logIn( page, stack, operator );
	await page.goto(
		`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#images`
	);
	await page
		.getByRole( 'searchbox', { name: 'Search apps' } )
		.fill( app.name );
	const row = page
		.locator( '.dataviews-view-table tbody tr' )
		.filter( { hasText: app.name } );
	await expect( row ).toHaveCount( 1 );
	await row.getByRole( 'button', { name: 'Actions' } ).click();
	await page.getByRole( 'menuitem', { name: 'Deploy' } ).click();

	const heading = await review( page );
	await expect( heading ).toHaveText(
		/^Deploy hello-web 1\.0\.0 \(sha256:[0-9a-f]{12}…\) to dev\?$/
	);
	const dialog = page.getByRole( 'dialog' );
	await expect( dialog.getByText( 'dev: allowed' ) ).toBeVisible();
	await expect(
		dialog.locator( '.k8or-orbit-diff__file' ).first()
	).toBeVisible();
	await page.screenshot( {
		path: screenshotPath( 'deploy-confirmation' ),
		fullPage: true,
	} );
	await dialog.getByRole( 'button', { name: 'Deploy to dev' } ).click();

	await expect(
		dialog.locator( '.k8or-orbit-job' ).getByText( 'The job finished.' )
	).toBeVisible( { timeout: 180_000 } );
	// The steps came over the live link, not by polling.
	await expect( dialog.locator( '.k8or-orbit-job__mode' ) ).not.toContainText(
		'unavailable'
	);
	const steps = dialog.locator( '.k8or-orbit-job__step' );
	expect( await steps.count() ).toBeGreaterThan( 3 );
	for ( const status of await steps.evaluateAll( ( items ) =>
		items.map( ( item ) => item.getAttribute( 'data-status' ) )
	) ) {
		expect( status ).toBe( 'succeeded' );
	}
	const outcome = dialog.locator( '.k8or-orbit-deploy-progress__status' );
	await expect( outcome ).toHaveText(
		/^Status: committed, commit [0-9a-f]{12}$/
	);
	const shownCommit = ( ( await outcome.textContent() ) ?? '' ).slice( -12 );
	await page.screenshot( {
		path: screenshotPath( 'deploy-committed' ),
		fullPage: true,
	} );

	const after = await seededApp( request, 'hello-web', operator );
	expect( after.environments.dev?.status ).toBe( 'committed' );
	expect( after.environments.dev?.commit?.slice( 0, 12 ) ).toBe(
		shownCommit
	);

	await dialog.getByRole( 'button', { name: 'Close' } ).click();
	await expect(
		page.locator( '.k8or-orbit-app__environment-status' ).first()
	).toHaveText(
		new RegExp(
			`^dev: revision ${ after.environments.dev?.revision }, committed .+ by operator, waiting for sync$`
		)
	);
	// The chart view shows the revision's manifests.
	await expect(
		page.getByRole( 'table', { name: 'Revisions in dev' } )
	).toContainText( shownCommit );
	await expect(
		page.getByLabel( 'deployment.yaml', { exact: true } )
	).toContainText( 'kind: Deployment' );
} );

test( 'an editor publishes a page with the Deploy block and an administrator deploys from it to prod', async ( {
	page,
	browser,
	request,
} ) => {
	test.setTimeout( 300_000 );
	const app = await seededApp( request, 'echo-api' );
	const editor = userWithRole( stack, 'editor' );
	await skipEditorIntroductions( stack, editor );
	await logIn( page, stack, editor );
	await page.goto(
		`${ stack.wordpress.adminUrl }post-new.php?post_type=page`
	);
	await expect(
		page.locator( '.interface-interface-skeleton' )
	).toBeVisible();
	const canvas = page.frameLocator( 'iframe[name="editor-canvas"]' );
	await canvas
		.getByRole( 'textbox', { name: 'Add title' } )
		// A title naming no app: the theme lists pages in its navigation, beside the apps' links.
		.fill( `Release desk ${ Date.now() }` );
	await page
		.getByRole( 'button', { name: /Block Inserter|Toggle block inserter/ } )
		.click();
	await page.getByRole( 'searchbox', { name: /Search/ } ).fill( 'Deploy' );
	await page.locator( '.editor-block-list-item-k8or-orbit-deploy' ).click();
	await expect(
		canvas.locator( '.wp-block-k8or-orbit-deploy__placeholder' )
	).toBeVisible();
	const picker = page.getByRole( 'combobox', { name: 'App' } );
	await picker.fill( app.title );
	await page.getByRole( 'option', { name: app.title } ).click();
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
	blockPageUrl = ( await viewLink.getAttribute( 'href' ) ) as string;
	// The editor may not deploy: the published page shows the editor no button.
	await page.goto( blockPageUrl );
	await expect( page.locator( '.wp-block-k8or-orbit-deploy' ) ).toHaveCount(
		0
	);

	// prod allows no CRITICAL finding by default; for this deploy it allows them.
	const admin = userWithRole( stack, 'administrator' );
	await withPermissiveProd( request, async () => {
		const administrator = await asUser( browser, admin );
		await administrator.page.goto( blockPageUrl );
		const block = administrator.page.locator(
			'.wp-block-k8or-orbit-deploy'
		);
		await expect( block.getByRole( 'button' ) ).toHaveText( [
			'Deploy to dev',
			'Deploy to test',
			'Deploy to prod',
		] );
		await block.getByRole( 'button', { name: 'Deploy to prod' } ).click();
		const heading = await review( administrator.page );
		await expect( heading ).toHaveText(
			/^Deploy echo-api 1\.0\.0 \(sha256:[0-9a-f]{12}…\) to prod\?$/
		);
		const dialog = administrator.page.getByRole( 'dialog' );
		await expect( dialog.getByText( 'prod: allowed' ) ).toBeVisible();
		await dialog.getByRole( 'button', { name: 'Deploy to prod' } ).click();
		await expect(
			dialog.getByText( /^Deploy of revision \d+ to prod started\./ )
		).toBeVisible();
		await administrator.page.screenshot( {
			path: screenshotPath( 'deploy-block-started' ),
			fullPage: true,
		} );
		await expect
			.poll(
				async () =>
					( await seededApp( request, 'echo-api' ) ).environments.prod
						?.status,
				{ timeout: 180_000 }
			)
			.toBe( 'committed' );
		await administrator.context.close();
	} );

	// The operator sees no prod button, and the REST API refuses the operator prod.
	const operator = userWithRole( stack, 'orbit_operator' );
	const operatorView = await asUser( browser, operator );
	await operatorView.page.goto( blockPageUrl );
	await expect(
		operatorView.page
			.locator( '.wp-block-k8or-orbit-deploy' )
			.getByRole( 'button' )
	).toHaveText( [ 'Deploy to dev', 'Deploy to test' ] );
	await operatorView.context.close();
	const refused = await request.post(
		rest( `/k8or-orbit/v1/apps/${ app.id }/deployments` ),
		{
			headers: {
				...auth( operator ),
				'Content-Type': 'application/json',
			},
			data: {
				environment: 'prod',
				inputs: {
					replicas: 1,
					resources: { requests: {}, limits: {} },
					env: [],
				},
			},
		}
	);
	expect( refused.status() ).toBe( 403 );

	// A visitor sees the status on the app's page and no deploy button anywhere.
	const visitor = await asUser( browser, null );
	await visitor.page.goto( app.link );
	const prodRow = visitor.page
		.locator( '.k8or-orbit-environments tbody tr' )
		.filter( { hasText: 'prod' } );
	await expect( prodRow ).toContainText( 'Committed, waiting for sync' );
	await expect(
		visitor.page.locator( '.wp-block-k8or-orbit-deploy' )
	).toHaveCount( 0 );
	await visitor.page.goto( blockPageUrl );
	await expect(
		visitor.page.locator( '.wp-block-k8or-orbit-deploy' )
	).toHaveCount( 0 );
	await visitor.context.close();
} );

test( 'an administrator rolls prod back to an earlier revision from the chart view', async ( {
	page,
	browser,
	request,
} ) => {
	test.setTimeout( 300_000 );
	const admin = userWithRole( stack, 'administrator' );
	const app = await seededApp( request, 'echo-api', admin );
	const earlier = app.environments.prod?.revision ?? 0;
	expect(
		earlier,
		'the test before deployed echo-api to prod'
	).toBeGreaterThan( 0 );
	let newer = 0;
	await withPermissiveProd( request, async () => {
		// A newer revision with other inputs, deployed through REST.
		const deployed = await request.post(
			rest( `/k8or-orbit/v1/apps/${ app.id }/deployments` ),
			{
				headers: {
					...auth( admin ),
					'Content-Type': 'application/json',
				},
				data: {
					environment: 'prod',
					inputs: {
						replicas: 2,
						resources: { requests: {}, limits: {} },
						env: [],
					},
				},
			}
		);
		expect( deployed.status() ).toBe( 202 );
		newer = ( await deployed.json() ).revision;
		await expect
			.poll(
				async () =>
					( await seededApp( request, 'echo-api' ) ).environments.prod
						?.revision,
				{ timeout: 180_000 }
			)
			.toBe( newer );

		await logIn( page, stack, admin );
		await page.goto(
			`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#app/${ app.id }`
		);
		await page
			.getByRole( 'combobox', { name: 'Environment' } )
			.selectOption( 'prod' );
		const table = page.getByRole( 'table', { name: 'Revisions in prod' } );
		await expect(
			table.getByRole( 'button', { name: `Show revision ${ newer }` } )
		).toBeVisible();
		// The revision running now offers no rollback.
		await expect(
			table.getByRole( 'button', {
				name: `Roll back to revision ${ newer }`,
			} )
		).toHaveCount( 0 );
		await table
			.getByRole( 'button', {
				name: `Roll back to revision ${ earlier }`,
			} )
			.click();
		const dialog = page.getByRole( 'dialog', {
			name: 'Roll back echo-api in prod',
		} );
		await expect( dialog ).toContainText(
			`Are you sure you want to roll echo-api in prod back to revision ${ earlier }?`
		);
		await dialog
			.getByRole( 'button', {
				name: `Roll back to revision ${ earlier }`,
			} )
			.click();
		await expect(
			dialog.locator( '.k8or-orbit-job' ).getByText( 'The job finished.' )
		).toBeVisible( { timeout: 180_000 } );
		await expect(
			dialog.locator( '.k8or-orbit-deploy-progress__status' )
		).toHaveText( /^Status: committed, commit [0-9a-f]{12}$/ );
		await page.screenshot( {
			path: screenshotPath( 'rollback-committed' ),
			fullPage: true,
		} );
		await dialog.getByRole( 'button', { name: 'Close' } ).click();
		await expect(
			page
				.locator( '.k8or-orbit-app__environment-status' )
				.filter( { hasText: /^prod:/ } )
		).toHaveText(
			new RegExp(
				`^prod: revision ${
					newer + 1
				}, committed .+ by ${ admin.login }, rolled back to revision ${ earlier }, waiting for sync$`
			)
		);
	} );

	// The new revision runs the earlier one's image, by the same digest.
	const listed = await request.get(
		rest( `/k8or-orbit/v1/apps/${ app.id }/deployments&environment=prod` ),
		{ headers: auth( admin ) }
	);
	const { items } = ( await listed.json() ) as {
		items: Array< {
			revision: number;
			rolledBackFrom?: number;
			image?: { digest: string };
		} >;
	};
	const chosen = items.find( ( item ) => item.revision === earlier );
	expect( items[ 0 ] ).toMatchObject( {
		revision: newer + 1,
		rolledBackFrom: earlier,
		image: { digest: chosen?.image?.digest },
	} );

	// A visitor reads it on the app's page.
	const visitor = await asUser( browser, null );
	await visitor.page.goto( app.link );
	await expect(
		visitor.page
			.locator( '.k8or-orbit-environments tbody tr' )
			.filter( { hasText: 'prod' } )
	).toContainText( `Rolled back to revision ${ earlier }` );
	await visitor.context.close();
} );

test( 'a policy-blocked image is refused with its findings named in the dialog, the block and REST', async ( {
	page,
	request,
} ) => {
	const operator = userWithRole( stack, 'orbit_operator' );
	const app = await seededApp( request, 'echo-api', operator );
	const blocked =
		/^test: blocked by CVE-2019-14697 \(musl 1\.1\.20-r4, fixed in 1\.1\.20-r5\)/;

	await logIn( page, stack, operator );
	await page.goto(
		`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#app/${ app.id }`
	);
	await page.getByRole( 'button', { name: 'Deploy to test' } ).click();
	await review( page );
	const dialog = page.getByRole( 'dialog' );
	await expect( dialog.locator( '.k8or-orbit-verdict__line' ) ).toHaveText(
		blocked
	);
	const deploy = dialog.getByRole( 'button', { name: 'Deploy to test' } );
	await expect( deploy ).toBeDisabled();
	await expect(
		dialog.locator( '#k8or-orbit-deploy-blocked' )
	).toContainText( 'policy of test blocks this image' );
	await page.screenshot( {
		path: screenshotPath( 'deploy-blocked' ),
		fullPage: true,
	} );

	expect(
		blockPageUrl,
		'the page with the Deploy block is published'
	).not.toBe( '' );
	await page.goto( blockPageUrl );
	await page
		.locator( '.wp-block-k8or-orbit-deploy' )
		.getByRole( 'button', { name: 'Deploy to test' } )
		.click();
	await review( page );
	await expect(
		page.getByRole( 'dialog' ).locator( '.k8or-orbit-verdict__line' )
	).toHaveText( blocked );

	const refused = await request.post(
		rest( `/k8or-orbit/v1/apps/${ app.id }/deployments` ),
		{
			headers: {
				...auth( operator ),
				'Content-Type': 'application/json',
			},
			data: {
				environment: 'test',
				inputs: {
					replicas: 1,
					resources: { requests: {}, limits: {} },
					env: [],
				},
			},
		}
	);
	expect( refused.status() ).toBe( 409 );
	const body = await refused.json();
	expect( body.code ).toBe( 'orbit_policy_blocked' );
	expect(
		body.findings.map( ( finding: { id: string } ) => finding.id )
	).toContain( 'CVE-2019-14697' );
} );
