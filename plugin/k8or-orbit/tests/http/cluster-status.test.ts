/**
 * Cluster feedback over real HTTP: Refresh through WordPress to the bridge (who may, and what an
 * environment without a cluster answers), and the state a cluster-status job delivers shown on
 * the public app page.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	basicAuth,
	call,
	deleteAppPost,
	loadStack,
	restUrl,
	sendBridgeEvents,
	uniqueAppName,
	uploadEvent,
	userWithRole,
	type Stack,
} from './support';

let stack: Stack;
let appId: number;
let appName: string;

/** A status event as a job delivers it, for the dev environment. */
function statusEvent( state: Record< string, unknown > ) {
	return {
		...uploadEvent( appName, randomUUID(), 1 ),
		name: 'deployment-status-updated',
		step: 'publish',
		outcome: 'succeeded',
		time: new Date().toISOString(),
		data: { environments: { dev: state } },
	};
}

function refresh( role: string | null, environment: string ) {
	return call(
		restUrl(
			stack,
			`/k8or-orbit/v1/apps/${ appId }/environments/${ environment }/status`
		),
		{
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				...( role ? basicAuth( userWithRole( stack, role ) ) : {} ),
			},
		}
	);
}

async function appPage(): Promise< string > {
	const page = await fetch(
		`${ stack.wordpress.url }/?orbit_app=${ appName }`,
		{ signal: AbortSignal.timeout( 30_000 ) }
	);
	return ( await page.text() ).replace( /\s+/g, ' ' );
}

beforeAll( async () => {
	stack = loadStack();
	appName = uniqueAppName();
	const created = await sendBridgeEvents( stack, [
		uploadEvent( appName, randomUUID() ),
	] );
	expect( created.status ).toBe( 200 );
	appId = created.body.app.id;
	const committedAt = new Date().toISOString();
	const committed = await sendBridgeEvents( stack, [
		statusEvent( {
			status: 'committed',
			revision: 1,
			commit: 'e'.repeat( 40 ),
			committedAt,
			message:
				'Committed eeeeeeeeeeee; no Argo CD is configured for dev, so Orbit cannot tell when it runs.',
		} ),
	] );
	expect( committed.status ).toBe( 200 );
} );

afterAll( () => deleteAppPost( stack, appId ) );

describe( 'cluster status', () => {
	it( 'Refresh: 401 for visitors, 403 for editors and for operators on prod, 409 where the app was never deployed', async () => {
		expect( ( await refresh( null, 'dev' ) ).status ).toBe( 401 );
		expect( ( await refresh( 'editor', 'dev' ) ).status ).toBe( 403 );
		const prod = await refresh( 'orbit_operator', 'prod' );
		expect( prod.status ).toBe( 403 );
		expect( prod.body.message ).toContain( 'orbit_deploy_prod' );
		const never = await refresh( 'orbit_operator', 'test' );
		expect( never.status ).toBe( 409 );
		expect( never.body.code ).toBe( 'orbit_not_deployed' );
	} );

	it( 'Refresh starts a cluster-status job on the bridge, which says so when no cluster is configured and leaves the state as it was', async () => {
		const operator = basicAuth( userWithRole( stack, 'orbit_operator' ) );
		const started = await refresh( 'orbit_operator', 'dev' );
		expect( started.status ).toBe( 202 );
		expect( started.body.jobId ).toMatch( /^[A-Za-z0-9._:-]{1,128}$/ );

		let job: { status?: string } = {};
		for ( let tries = 0; tries < 60; tries++ ) {
			job = (
				await call(
					restUrl(
						stack,
						`/k8or-orbit/v1/jobs/${ encodeURIComponent(
							started.body.jobId
						) }`
					),
					{ headers: operator }
				)
			).body;
			if ( job.status === 'failed' || job.status === 'succeeded' ) {
				break;
			}
			await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
		}
		// The test stack's bridge has no Argo CD and no Kubernetes context.
		expect( job.status ).toBe( 'failed' );
		const events = await call(
			restUrl(
				stack,
				`/k8or-orbit/v1/jobs/${ encodeURIComponent(
					started.body.jobId
				) }/events`
			),
			{ headers: operator }
		);
		const failure = events.body.items.find(
			( event: { name: string } ) =>
				event.name === 'deployment-status-failed'
		);
		expect( failure?.message ).toContain(
			'No Argo CD is configured for dev'
		);

		const publicApp = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ appId }` )
		);
		expect( publicApp.body.environments.dev.status ).toBe( 'committed' );
		expect( await appPage() ).toContain(
			'no Argo CD is configured for dev'
		);
	} );

	it( 'the app page shows what a status job delivered: deployed, Healthy, 3/3 ready; then degraded with the reason', async () => {
		const checkedAt = new Date().toISOString();
		const deployed = await sendBridgeEvents( stack, [
			statusEvent( {
				status: 'deployed',
				revision: 1,
				commit: 'e'.repeat( 40 ),
				health: 'Healthy',
				replicas: 3,
				readyReplicas: 3,
				ready: '3/3 ready',
				deployedAt: checkedAt,
				checkedAt,
			} ),
		] );
		expect( deployed.status ).toBe( 200 );
		let page = await appPage();
		expect( page ).toMatch(
			/Deployed<\/span><\/td> ?<td>Healthy<\/td> ?<td>3\/3 ready<\/td>/
		);
		expect( page ).not.toContain( 'no Argo CD is configured' );

		const degraded = await sendBridgeEvents( stack, [
			statusEvent( {
				status: 'degraded',
				revision: 1,
				health: 'Degraded',
				replicas: 3,
				readyReplicas: 1,
				message: 'Pod web-5d4 container web: CrashLoopBackOff',
				checkedAt: new Date().toISOString(),
			} ),
		] );
		expect( degraded.status ).toBe( 200 );
		page = await appPage();
		expect( page ).toContain(
			'Pod web-5d4 container web: CrashLoopBackOff'
		);
		expect( page ).toMatch( /<td>Degraded<\/td> ?<td>1\/3 ready<\/td>/ );
	} );
} );
