import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { OrbitApp } from '../src/api/types';
import { AppScreen } from '../src/screens/app';
import { rest, server } from './support/msw-server';

/** Each test's Refresh job: the console's store keeps followed jobs for the whole file. */
let jobNumber = 0;

const committed: OrbitApp = {
	id: 7,
	name: 'hello-web',
	title: 'Hello web',
	excerpt: '',
	link: 'http://localhost/apps/hello-web/',
	status: 'publish',
	categories: [],
	image: { tag: '1.0.0' },
	scan: { status: 'scanned' },
	verdicts: {},
	environments: {
		dev: {
			status: 'committed',
			revision: 3,
			committedAt: new Date( Date.now() - 120_000 ).toISOString(),
			message:
				'Committed 0123456789ab; no Argo CD is configured for dev, so Orbit cannot tell when it runs.',
		},
		prod: {
			status: 'committed',
			revision: 1,
			committedAt: new Date( Date.now() - 120_000 ).toISOString(),
		},
	},
	deleted: { deleted: false },
	modified: '2026-12-01T03:00:00',
};

/** The app as a cluster-status job left it. */
function withDev( dev: OrbitApp[ 'environments' ][ string ] ): OrbitApp {
	return {
		...committed,
		environments: { ...committed.environments, dev },
	};
}

/**
 * Answers the app, its environments, Refresh and the job it starts (no live link: polled).
 *
 * @param after     The app once the job has ended.
 * @param jobEnding How the job ends.
 * @param failure   The failure message, for a failed job.
 */
function serve(
	after: OrbitApp,
	jobEnding: 'succeeded' | 'failed' = 'succeeded',
	failure = ''
) {
	const JOB_ID = `cluster-status-7-dev-${ ++jobNumber }`;
	const sent = { refreshes: [] as string[] };
	let ended = false;
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps/7' ), () =>
			HttpResponse.json( ended ? after : committed )
		),
		http.get( rest( '/k8or-orbit/v1/environments' ), () =>
			HttpResponse.json( [
				{ name: 'dev', order: 0, canDeploy: true, policy: {} },
				{ name: 'prod', order: 1, canDeploy: false, policy: {} },
			] )
		),
		http.post(
			rest( '/k8or-orbit/v1/apps/7/environments/:environment/status' ),
			( { params } ) => {
				sent.refreshes.push( String( params.environment ) );
				return HttpResponse.json( { jobId: JOB_ID }, { status: 202 } );
			}
		),
		http.get( rest( '/k8or-orbit/v1/live' ), () =>
			HttpResponse.json(
				{ code: 'orbit_live_unavailable', message: 'No websocket.' },
				{ status: 503 }
			)
		),
		http.get( rest( `/k8or-orbit/v1/jobs/${ JOB_ID }` ), () => {
			ended = true;
			return HttpResponse.json( {
				jobId: JOB_ID,
				kind: 'cluster-status',
				appName: 'hello-web',
				environment: 'dev',
				status: jobEnding,
				steps: [],
			} );
		} ),
		http.get( rest( `/k8or-orbit/v1/jobs/${ JOB_ID }/events` ), () =>
			HttpResponse.json( {
				items:
					jobEnding === 'failed'
						? [
								{
									jobId: JOB_ID,
									seq: 1,
									name: 'deployment-status-failed',
									step: 'observe',
									outcome: 'failed',
									appName: 'hello-web',
									environment: 'dev',
									actor: { id: 2, login: 'operator' },
									time: new Date().toISOString(),
									message: failure,
									data: {},
								},
							]
						: [],
				nextCursor: null,
			} )
		)
	);
	return sent;
}

function renderScreen() {
	render(
		<AppScreen
			appId={ 7 }
			deploy={ false }
			readsJobs={ false }
			navigate={ () => undefined }
		/>
	);
}

describe( 'Refresh on the app screen', () => {
	it( 'is offered where the user may deploy; it reads the cluster and shows deployed, Healthy, 3/3 ready', async () => {
		const sent = serve(
			withDev( {
				status: 'deployed',
				revision: 3,
				health: 'Healthy',
				replicas: 3,
				readyReplicas: 3,
				deployedAt: new Date( Date.now() - 60_000 ).toISOString(),
				checkedAt: new Date().toISOString(),
			} )
		);
		const user = userEvent.setup();
		renderScreen();

		expect(
			await screen.findByText(
				'dev: revision 3, committed 2 min ago, waiting for sync'
			)
		).toBeTruthy();
		expect(
			screen.queryByRole( 'button', { name: 'Refresh prod' } )
		).toBeNull();

		await user.click(
			screen.getByRole( 'button', { name: 'Refresh dev' } )
		);

		expect(
			await screen.findByText(
				'dev: revision 3, deployed 1 min ago, Healthy, 3/3 ready',
				{},
				{ timeout: 10_000 }
			)
		).toBeTruthy();
		expect( sent.refreshes ).toEqual( [ 'dev' ] );
	} );

	it( 'shows a degraded environment with its ready count and reason', async () => {
		serve(
			withDev( {
				status: 'degraded',
				revision: 3,
				health: 'Degraded',
				replicas: 3,
				readyReplicas: 1,
				message: 'Pod web-5d4 container web: CrashLoopBackOff',
				checkedAt: new Date().toISOString(),
			} )
		);
		const user = userEvent.setup();
		renderScreen();

		await user.click(
			await screen.findByRole( 'button', { name: 'Refresh dev' } )
		);

		expect(
			await screen.findByText(
				'dev: revision 3, degraded, 1/3 ready, Pod web-5d4 container web: CrashLoopBackOff',
				{},
				{ timeout: 10_000 }
			)
		).toBeTruthy();
	} );

	it( 'says why a Refresh failed', async () => {
		serve(
			committed,
			'failed',
			'No Argo CD is configured for dev; there is nothing to read.'
		);
		const user = userEvent.setup();
		renderScreen();

		await user.click(
			await screen.findByRole( 'button', { name: 'Refresh dev' } )
		);

		// The notice is also spoken to screen readers, hence more than one match.
		await waitFor(
			() =>
				expect(
					screen.getAllByText(
						'Could not refresh dev: No Argo CD is configured for dev; there is nothing to read.'
					).length
				).toBeGreaterThan( 0 ),
			{ timeout: 10_000 }
		);
	} );
} );
