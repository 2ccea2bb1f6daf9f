import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { OrbitApp } from '../src/api/types';
import { AppScreen } from '../src/screens/app';
import {
	DeployDialog,
	type DeployInputs,
	type DeployPreview,
} from '../../ui/src/deploy';
import { rest, server } from './support/msw-server';

const DIGEST = `sha256:ab12${ 'c'.repeat( 60 ) }`;

const DEFAULTS: DeployInputs = {
	replicas: 1,
	containerPort: 8080,
	resources: {
		requests: { cpu: '100m', memory: '128Mi' },
		limits: { cpu: '500m', memory: '256Mi' },
	},
	env: [ { name: 'LOG_LEVEL', value: 'info' } ],
};

const DEPLOYMENT_YAML = [
	'apiVersion: apps/v1',
	'kind: Deployment',
	'spec:',
	'  replicas: 1',
].join( '\n' );

const allowed = ( environment: string ): DeployPreview => ( {
	verdict: {
		environment,
		allowed: true,
		reason: 'passed',
		message: `${ environment }: allowed`,
	},
	image: {
		reference: `127.0.0.1:5000/hello-web@${ DIGEST }`,
		digest: DIGEST,
	},
	files: { 'deployment.yaml': DEPLOYMENT_YAML },
	diff: [
		{
			file: 'deployment.yaml',
			status: 'added',
			lines: DEPLOYMENT_YAML.split( '\n' ).map( ( text ) => ( {
				op: '+' as const,
				text,
			} ) ),
		},
	],
	currentRevision: null,
} );

/**
 * Answers the deploy routes like the plugin, recording what the dialog sends.
 *
 * @param preview What the preview answers.
 */
function serveDeploy(
	preview: DeployPreview | { status: number; body: object }
) {
	const sent: {
		previews: URLSearchParams[];
		deploys: Array< { body: unknown; key: string | null } >;
	} = { previews: [], deploys: [] };
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps/7/deployments' ), () =>
			HttpResponse.json( { items: [], defaults: DEFAULTS } )
		),
		http.get(
			rest( '/k8or-orbit/v1/apps/7/deployments/preview' ),
			( { request } ) => {
				sent.previews.push( new URL( request.url ).searchParams );
				return 'status' in preview
					? HttpResponse.json( preview.body, {
							status: preview.status,
						} )
					: HttpResponse.json( preview );
			}
		),
		http.post(
			rest( '/k8or-orbit/v1/apps/7/deployments' ),
			async ( { request } ) => {
				sent.deploys.push( {
					body: await request.json(),
					key: request.headers.get( 'Idempotency-Key' ),
				} );
				return HttpResponse.json(
					{ jobId: 'job-9', revision: 1 },
					{ status: 202 }
				);
			}
		)
	);
	return sent;
}

const renderDialog = ( environment = 'dev' ) =>
	render(
		<DeployDialog
			target={ {
				id: 7,
				name: 'hello-web',
				version: '1.0.0',
				digest: DIGEST,
			} }
			environments={ [ 'dev', 'test' ] }
			environment={ environment }
			onClose={ () => undefined }
			renderStarted={ ( started ) => (
				<p>{ `Started ${ started.jobId } revision ${ started.revision }` }</p>
			) }
		/>
	);

const field = ( label: string ) =>
	screen.getByRole( 'textbox', { name: label } ) as HTMLInputElement;

describe( 'Deploy dialog', () => {
	it( 'prefills the form and shows what to fix next to each field, without asking the server', async () => {
		const sent = serveDeploy( allowed( 'dev' ) );
		const user = userEvent.setup();
		renderDialog();
		await waitFor( () =>
			expect( field( 'Name' ).value ).toBe( 'LOG_LEVEL' )
		);
		const replicas = screen.getByRole( 'spinbutton', { name: 'Replicas' } );
		expect( ( replicas as HTMLInputElement ).value ).toBe( '1' );

		await user.clear( replicas );
		await user.type( replicas, '21' );
		await user.clear( field( 'Name' ) );
		await user.type( field( 'Name' ), '1BAD' );
		await user.clear( field( 'CPU request' ) );
		await user.type( field( 'CPU request' ), 'lots' );
		await user.clear( field( 'Memory request' ) );
		await user.type( field( 'Memory request' ), '1Gi' );
		await user.click(
			screen.getByRole( 'button', { name: 'Review deploy' } )
		);

		expect( replicas.getAttribute( 'aria-invalid' ) ).toBe( 'true' );
		expect(
			document.getElementById(
				replicas.getAttribute( 'aria-describedby' )!
			)?.textContent
		).toBe( 'Replicas: a whole number from 1 to 20.' );
		expect( screen.getByText( /not starting with a digit/ ) ).toBeTruthy();
		expect(
			screen.getByText(
				'CPU: cores such as 0.5 or millicores such as 500m.'
			)
		).toBeTruthy();
		expect(
			screen.getByText(
				'Memory request: at most the memory limit, as Kubernetes requires.'
			)
		).toBeTruthy();
		expect( sent.previews ).toHaveLength( 0 );
	} );

	it( 'shows the server’s message next to the field it names', async () => {
		serveDeploy( {
			status: 400,
			body: {
				code: 'orbit_invalid_deploy_inputs',
				message: 'The deploy inputs are not valid: Container port …',
				data: {
					status: 400,
					fields: {
						containerPort: 'Container port: from the server.',
					},
				},
			},
		} );
		const user = userEvent.setup();
		renderDialog();
		await waitFor( () =>
			expect( field( 'Name' ).value ).toBe( 'LOG_LEVEL' )
		);
		await user.click(
			screen.getByRole( 'button', { name: 'Review deploy' } )
		);
		const port = await screen.findByRole( 'spinbutton', {
			name: 'Container port',
		} );
		await waitFor( () =>
			expect( port.getAttribute( 'aria-invalid' ) ).toBe( 'true' )
		);
		expect(
			document.getElementById( port.getAttribute( 'aria-describedby' )! )
				?.textContent
		).toBe( 'Container port: from the server.' );
	} );

	it( 'asks to confirm with the verdict and, on a first deploy, every manifest line new; then deploys once with a key', async () => {
		const sent = serveDeploy( allowed( 'dev' ) );
		const user = userEvent.setup();
		renderDialog();
		await waitFor( () =>
			expect( field( 'Name' ).value ).toBe( 'LOG_LEVEL' )
		);
		await user.click(
			screen.getByRole( 'button', { name: 'Review deploy' } )
		);

		expect(
			await screen.findByRole( 'heading', {
				name: 'Deploy hello-web 1.0.0 (sha256:ab12cccccccc…) to dev?',
			} )
		).toBeTruthy();
		expect( screen.getByText( 'dev: allowed' ) ).toBeTruthy();
		expect(
			screen.getByText( /first deploy here: every line is new/ )
		).toBeTruthy();
		const lines = screen
			.getByLabelText( 'Changes in deployment.yaml' )
			.querySelectorAll( '[data-op]' );
		expect(
			[ ...lines ].map( ( line ) => line.getAttribute( 'data-op' ) )
		).toEqual( [ '+', '+', '+', '+' ] );
		expect( JSON.parse( sent.previews[ 0 ]!.get( 'inputs' )! ) ).toEqual(
			DEFAULTS
		);

		await user.click(
			screen.getByRole( 'button', { name: 'Deploy to dev' } )
		);
		expect(
			await screen.findByText( 'Started job-9 revision 1' )
		).toBeTruthy();
		expect( sent.deploys ).toHaveLength( 1 );
		expect( sent.deploys[ 0 ]!.body ).toEqual( {
			environment: 'dev',
			inputs: DEFAULTS,
		} );
		expect( sent.deploys[ 0 ]!.key ).toMatch( /^[0-9a-f-]{36}$/ );
	} );

	it( 'shows the changed lines against the running revision', async () => {
		serveDeploy( {
			...allowed( 'dev' ),
			currentRevision: 2,
			diff: [
				{
					file: 'deployment.yaml',
					status: 'changed',
					lines: [
						{ op: ' ', text: 'spec:' },
						{ op: '-', text: '  replicas: 1' },
						{ op: '+', text: '  replicas: 3' },
					],
				},
				{ file: 'service.yaml', status: 'unchanged', lines: [] },
			],
		} );
		const user = userEvent.setup();
		renderDialog();
		await waitFor( () =>
			expect( field( 'Name' ).value ).toBe( 'LOG_LEVEL' )
		);
		await user.click(
			screen.getByRole( 'button', { name: 'Review deploy' } )
		);
		expect(
			await screen.findByText(
				'Manifests compared with revision 2, running now'
			)
		).toBeTruthy();
		const changes = screen.getByLabelText( 'Changes in deployment.yaml' );
		expect( changes.querySelector( '.is-removed' )?.textContent ).toBe(
			'-   replicas: 1\n'
		);
		expect( changes.querySelector( '.is-added' )?.textContent ).toBe(
			'+   replicas: 3\n'
		);
		expect(
			screen.queryByLabelText( 'Changes in service.yaml' )
		).toBeNull();
		expect( screen.getByText( 'unchanged' ) ).toBeTruthy();
	} );

	it( 'names the findings of a blocked image and keeps the deploy button disabled with the reason', async () => {
		const sent = serveDeploy( {
			...allowed( 'test' ),
			verdict: {
				environment: 'test',
				allowed: false,
				reason: 'findings',
				message:
					'test: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)',
				blocking: [
					{
						id: 'CVE-2019-14697',
						pkg: 'musl',
						installedVersion: '1.1.20-r3',
						fixedVersion: '1.1.20-r5',
						severity: 'CRITICAL',
					},
				],
			},
		} );
		const user = userEvent.setup();
		renderDialog( 'test' );
		await waitFor( () =>
			expect( field( 'Name' ).value ).toBe( 'LOG_LEVEL' )
		);
		await user.click(
			screen.getByRole( 'button', { name: 'Review deploy' } )
		);

		expect(
			await screen.findByText(
				'test: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)'
			)
		).toBeTruthy();
		const findings = screen.getByRole( 'list', {
			name: 'Blocking findings',
		} );
		expect( within( findings ).getByText( /CVE-2019-14697/ ) ).toBeTruthy();
		const deploy = screen.getByRole( 'button', { name: 'Deploy to test' } );
		expect( deploy.getAttribute( 'aria-disabled' ) ).toBe( 'true' );
		expect(
			document.getElementById(
				deploy.getAttribute( 'aria-describedby' )!
			)?.textContent
		).toMatch( /policy of test blocks this image/ );
		await user.click( deploy );
		expect( sent.deploys ).toHaveLength( 0 );
	} );

	it( 'shows the findings when the server refuses the deploy itself', async () => {
		serveDeploy( allowed( 'dev' ) );
		server.use(
			http.post( rest( '/k8or-orbit/v1/apps/7/deployments' ), () =>
				HttpResponse.json(
					{
						code: 'orbit_policy_blocked',
						message: 'dev: blocked by CVE-2019-14697',
						findings: [
							{
								id: 'CVE-2019-14697',
								pkg: 'musl',
								installedVersion: '1.1.20-r3',
								severity: 'CRITICAL',
							},
						],
						data: { status: 409 },
					},
					{ status: 409 }
				)
			)
		);
		const user = userEvent.setup();
		renderDialog();
		await waitFor( () =>
			expect( field( 'Name' ).value ).toBe( 'LOG_LEVEL' )
		);
		await user.click(
			screen.getByRole( 'button', { name: 'Review deploy' } )
		);
		await user.click(
			await screen.findByRole( 'button', { name: 'Deploy to dev' } )
		);
		// The verdict line is the server's refusal, in the bridge's words; the list names the finding.
		await waitFor( () =>
			expect(
				document.querySelector( '.k8or-orbit-verdict__line' )
					?.textContent
			).toBe( 'dev: blocked by CVE-2019-14697' )
		);
		expect(
			within(
				screen.getByRole( 'list', { name: 'Blocking findings' } )
			).getByText( /CVE-2019-14697 \(musl 1\.1\.20-r3, no fix yet\)/ )
		).toBeTruthy();
		expect(
			screen
				.getByRole( 'button', { name: 'Deploy to dev' } )
				.getAttribute( 'aria-disabled' )
		).toBe( 'true' );
	} );
} );

describe( 'App screen', () => {
	const app: OrbitApp = {
		id: 7,
		name: 'hello-web',
		title: 'Hello web',
		excerpt: '',
		link: 'http://localhost/apps/hello-web/',
		status: 'publish',
		categories: [],
		image: { tag: '1.0.0', manifestDigest: DIGEST },
		scan: { status: 'scanned' },
		verdicts: {},
		environments: {
			dev: {
				status: 'committed',
				revision: 3,
				committedAt: new Date( Date.now() - 120_000 ).toISOString(),
				actor: { id: 2, login: 'operator' },
			},
		},
		deleted: { deleted: false },
		modified: '2026-12-01T03:00:00',
	};

	it( 'shows the status per environment, deploy buttons where allowed, and the revisions with their manifests', async () => {
		const manifestQueries: URLSearchParams[] = [];
		server.use(
			http.get( rest( '/k8or-orbit/v1/apps/7' ), () =>
				HttpResponse.json( app )
			),
			http.get( rest( '/k8or-orbit/v1/environments' ), () =>
				HttpResponse.json( [
					{ name: 'dev', order: 0, canDeploy: true, policy: {} },
					{ name: 'prod', order: 1, canDeploy: false, policy: {} },
				] )
			),
			http.get( rest( '/k8or-orbit/v1/apps/7/deployments' ), () =>
				HttpResponse.json( {
					items: [
						{
							revision: 3,
							environment: 'dev',
							image: { reference: 'r', digest: DIGEST },
							inputs: DEFAULTS,
							actor: { id: 2, login: 'operator' },
							createdAt: '2026-12-01T03:00:00Z',
							commit: 'f'.repeat( 40 ),
						},
						{
							revision: 2,
							environment: 'dev',
							inputs: DEFAULTS,
							actor: { id: 1, login: 'admin' },
							createdAt: '2026-11-30T03:00:00Z',
							commit: 'e'.repeat( 40 ),
						},
					],
					defaults: DEFAULTS,
				} )
			),
			http.get(
				rest( '/k8or-orbit/v1/apps/7/manifests' ),
				( { request } ) => {
					const query = new URL( request.url ).searchParams;
					manifestQueries.push( query );
					return HttpResponse.json( {
						revision: Number( query.get( 'revision' ) ),
						files: {
							'deployment.yaml': DEPLOYMENT_YAML.replace(
								'replicas: 1',
								`replicas: ${ query.get( 'revision' ) }`
							),
						},
					} );
				}
			)
		);
		const user = userEvent.setup();
		render(
			<AppScreen
				appId={ 7 }
				deploy={ false }
				readsJobs
				navigate={ () => undefined }
			/>
		);

		expect(
			await screen.findByText(
				'dev: revision 3, committed 2 min ago by operator, waiting for sync'
			)
		).toBeTruthy();
		expect( screen.getByText( 'prod: not deployed' ) ).toBeTruthy();
		expect(
			screen.getByRole( 'button', { name: 'Deploy to dev' } )
		).toBeTruthy();
		expect(
			screen.queryByRole( 'button', { name: 'Deploy to prod' } )
		).toBeNull();

		const table = await screen.findByRole( 'table', {
			name: 'Revisions in dev',
		} );
		const rows = within( table ).getAllByRole( 'row' ).slice( 1 );
		expect( rows.map( ( row ) => row.textContent ) ).toEqual( [
			expect.stringContaining( 'operator' ),
			expect.stringContaining( 'admin' ),
		] );
		expect( rows[ 0 ]!.textContent ).toContain( 'sha256:ab12cccccccc…' );
		expect( rows[ 0 ]!.textContent ).toContain( 'f'.repeat( 12 ) );
		expect( rows[ 0 ]!.textContent ).toContain( '1 × port 8080' );

		const yaml = await screen.findByLabelText( 'deployment.yaml' );
		expect( yaml.textContent ).toContain( 'replicas: 3' );
		expect( yaml.querySelector( '.is-key' )?.textContent ).toBe(
			'apiVersion:'
		);

		await user.click(
			screen.getByRole( 'button', { name: 'Show revision 2' } )
		);
		await waitFor( () =>
			expect(
				screen.getByLabelText( 'deployment.yaml' ).textContent
			).toContain( 'replicas: 2' )
		);
		expect( manifestQueries.at( -1 )?.get( 'environment' ) ).toBe( 'dev' );

		await user.click(
			screen.getByRole( 'button', { name: 'Copy deployment.yaml' } )
		);
		// user-event stands in for the browser's clipboard.
		expect( await window.navigator.clipboard.readText() ).toBe(
			DEPLOYMENT_YAML.replace( 'replicas: 1', 'replicas: 2' )
		);
		expect( screen.getByText( 'Copied' ) ).toBeTruthy();
	} );
} );
