import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { Job, OrbitApp, OrbitEvent } from '../src/api/types';
import { AppScreen } from '../src/screens/app';
import type { DeployInputs, Revision } from '../../ui/src/deploy';
import { rest, server } from './support/msw-server';

const DIGEST_OLD = `sha256:01d0${ 'a'.repeat( 60 ) }`;
const DIGEST_NEW = `sha256:4e40${ 'b'.repeat( 60 ) }`;
const JOB_ID = 'job-rollback-1';

const INPUTS: DeployInputs = {
	replicas: 1,
	containerPort: 8080,
	resources: {
		requests: { cpu: '100m', memory: '128Mi' },
		limits: { cpu: '500m', memory: '256Mi' },
	},
	env: [],
};

const revision = (
	number: number,
	status: string,
	digest: string
): Revision => ( {
	revision: number,
	environment: 'dev',
	status,
	version: digest === DIGEST_OLD ? '1.0.0' : '2.0.0',
	image: { reference: `registry/hello-web@${ digest }`, digest },
	inputs: INPUTS,
	actor: { id: 2, login: 'operator' },
	createdAt: '2026-12-01T03:00:00Z',
	commit: String( number ).repeat( 40 ),
} );

const committedNow = new Date( Date.now() - 60_000 ).toISOString();

const app = ( rolledBackTo?: number ): OrbitApp => ( {
	id: 7,
	name: 'hello-web',
	title: 'Hello web',
	excerpt: '',
	link: 'http://localhost/apps/hello-web/',
	status: 'publish',
	categories: [],
	image: { tag: '2.0.0', manifestDigest: DIGEST_NEW },
	scan: { status: 'scanned' },
	verdicts: {},
	environments: {
		dev: {
			status: 'committed',
			revision: rolledBackTo ? 5 : 4,
			committedAt: committedNow,
			actor: { id: 2, login: 'operator' },
			...( rolledBackTo ? { rolledBackTo } : {} ),
		},
	},
	deleted: { deleted: false },
	modified: '2026-12-01T03:00:00',
} );

const event = (
	seq: number,
	name: string,
	step: string,
	data: Record< string, unknown > = {}
): OrbitEvent => ( {
	jobId: JOB_ID,
	seq,
	name,
	step,
	outcome: 'succeeded',
	appName: 'hello-web',
	environment: 'dev',
	actor: { id: 2, login: 'operator' },
	time: new Date( 1_800_000_000_000 + seq * 1000 ).toISOString(),
	data,
} );

/**
 * Answers the app, its environments and revisions, and the rollback route like the plugin,
 * recording the rollbacks asked for; the job it starts ends well on its first poll.
 *
 * @param refusal         A refusal the rollback route answers with instead of starting a job.
 * @param refusal.code    Its code.
 * @param refusal.message Its message.
 */
function serveApp( refusal?: { code: string; message: string } ) {
	const rollbacks: Array< { body: unknown; key: string | null } > = [];
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps/7' ), () =>
			HttpResponse.json( app( rollbacks.length ? 2 : undefined ) )
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
					revision( 4, 'committed', DIGEST_NEW ),
					revision( 3, 'failed', DIGEST_NEW ),
					revision( 2, 'committed', DIGEST_OLD ),
					revision( 1, 'committed', DIGEST_OLD ),
				],
				defaults: INPUTS,
			} )
		),
		http.get( rest( '/k8or-orbit/v1/apps/7/manifests' ), () =>
			HttpResponse.json( { revision: 4, files: {} } )
		),
		http.post(
			rest( '/k8or-orbit/v1/apps/7/rollbacks' ),
			async ( { request } ) => {
				if ( refusal ) {
					return HttpResponse.json(
						{ ...refusal, data: { status: 409 } },
						{ status: 409 }
					);
				}
				rollbacks.push( {
					body: await request.json(),
					key: request.headers.get( 'Idempotency-Key' ),
				} );
				return HttpResponse.json(
					{ jobId: JOB_ID, revision: 5 },
					{ status: 202 }
				);
			}
		),
		// No live link here: the console polls the job.
		http.get( rest( '/k8or-orbit/v1/live' ), () =>
			HttpResponse.json(
				{ code: 'orbit_live_unavailable', message: 'No live link.' },
				{ status: 503 }
			)
		),
		http.get( rest( `/k8or-orbit/v1/jobs/${ JOB_ID }` ), () => {
			const job: Job = {
				jobId: JOB_ID,
				kind: 'deploy',
				appName: 'hello-web',
				environment: 'dev',
				status: 'succeeded',
				steps: [
					{ name: 'publish', status: 'done' },
					{ name: 'finish', status: 'done' },
				],
			};
			return HttpResponse.json( job );
		} ),
		http.get( rest( `/k8or-orbit/v1/jobs/${ JOB_ID }/events` ), () =>
			HttpResponse.json( {
				items: [
					event( 2, 'deployment-completed', 'finish' ),
					event( 1, 'deployment-status-updated', 'publish', {
						environments: {
							dev: {
								status: 'committed',
								revision: 5,
								commit: 'c'.repeat( 40 ),
								rolledBackTo: 2,
							},
						},
					} ),
				],
				nextCursor: null,
			} )
		)
	);
	return rollbacks;
}

const renderScreen = () =>
	render(
		<AppScreen
			appId={ 7 }
			deploy={ false }
			readsJobs
			navigate={ () => undefined }
		/>
	);

async function revisionRows() {
	const table = await screen.findByRole( 'table', {
		name: 'Revisions in dev',
	} );
	return within( table ).getAllByRole( 'row' ).slice( 1 );
}

describe( 'Rolling back from the chart view', () => {
	it( 'offers "Roll back" on earlier committed revisions only, confirms naming app, revision and environment, and follows the job to "rolled back to revision 2"', async () => {
		const rollbacks = serveApp();
		const user = userEvent.setup();
		renderScreen();

		const rows = await revisionRows();
		const buttonsIn = ( row: HTMLElement ) =>
			within( row )
				.queryAllByRole( 'button' )
				.map( ( button ) => button.textContent );
		expect( buttonsIn( rows[ 0 ]! ) ).toEqual( [ 'Show revision 4' ] );
		expect( rows[ 0 ]!.textContent ).toContain( 'current' );
		expect( buttonsIn( rows[ 1 ]! ) ).toEqual( [ 'Show revision 3' ] );
		expect( buttonsIn( rows[ 2 ]! ) ).toEqual( [
			'Show revision 2',
			'Roll back to revision 2',
		] );
		expect( buttonsIn( rows[ 3 ]! ) ).toEqual( [
			'Show revision 1',
			'Roll back to revision 1',
		] );

		// Cancelling starts nothing.
		await user.click(
			screen.getByRole( 'button', { name: 'Roll back to revision 2' } )
		);
		let dialog = await screen.findByRole( 'dialog', {
			name: 'Roll back hello-web in dev',
		} );
		expect( dialog.textContent ).toContain(
			'Are you sure you want to roll hello-web in dev back to revision 2?'
		);
		expect( dialog.textContent ).toContain(
			'1.0.0 (sha256:01d0aaaaaaaa…)'
		);
		await user.click(
			within( dialog ).getByRole( 'button', { name: 'Cancel' } )
		);
		await waitFor( () =>
			expect( screen.queryByRole( 'dialog' ) ).toBeNull()
		);
		expect( rollbacks ).toEqual( [] );

		await user.click(
			(
				await screen.findAllByRole( 'button', {
					name: 'Roll back to revision 2',
				} )
			)[ 0 ]!
		);
		dialog = await screen.findByRole( 'dialog', {
			name: 'Roll back hello-web in dev',
		} );
		await user.click(
			within( dialog ).getByRole( 'button', {
				name: 'Roll back to revision 2',
			} )
		);
		expect(
			await within( dialog ).findByText( 'Revision 5 to dev:' )
		).toBeTruthy();
		expect( rollbacks ).toEqual( [
			{
				body: { environment: 'dev', revision: 2 },
				key: expect.stringMatching( /^[A-Za-z0-9._:-]{8,128}$/ ),
			},
		] );
		expect(
			await within( dialog ).findByText(
				/Status: committed, commit c{12}/
			)
		).toBeTruthy();
		// The environment line follows the job's end.
		expect(
			await screen.findByText(
				'dev: revision 5, committed 1 min ago by operator, rolled back to revision 2, waiting for sync'
			)
		).toBeTruthy();
	} );

	it( 'shows the refusal the route answers, and offers no rollback where the user may not deploy', async () => {
		serveApp( {
			code: 'orbit_deploy_running',
			message:
				'A deploy of hello-web to dev is running (job job-x); wait for it to finish.',
		} );
		const user = userEvent.setup();
		renderScreen();
		await revisionRows();
		await user.click(
			screen.getByRole( 'button', { name: 'Roll back to revision 1' } )
		);
		const dialog = await screen.findByRole( 'dialog' );
		await user.click(
			within( dialog ).getByRole( 'button', {
				name: 'Roll back to revision 1',
			} )
		);
		expect(
			await within( dialog ).findByText(
				'A deploy of hello-web to dev is running (job job-x); wait for it to finish.'
			)
		).toBeTruthy();

		await user.click(
			within( dialog ).getByRole( 'button', { name: 'Cancel' } )
		);
		await user.selectOptions(
			screen.getByLabelText( 'Environment' ),
			'prod'
		);
		await screen.findByRole( 'table', { name: 'Revisions in prod' } );
		expect(
			screen.queryByRole( 'button', { name: /^Roll back/ } )
		).toBeNull();
	} );
} );
