import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config.js';
import { errorHandler } from '../../src/http/errors.js';
import { notificationRoutes } from '../../src/http/routes/notifications.js';
import type { NewJob } from '../../src/job-model/job.js';
import { ArgoCdApiStandIn } from '../support/argocd-api-stand-in.js';

const SECRET = 'argocd-webhook-secret-'.padEnd( 40, 'x' );

describe( 'POST /v1/notifications/argocd', () => {
	const submitted: NewJob[] = [];
	const argocd = new ArgoCdApiStandIn();
	const config = loadConfig( {
		ORBIT_BRIDGE_SECRET: 'y'.repeat( 32 ),
		ORBIT_WORDPRESS_URL: 'http://127.0.0.1:8080',
		ORBIT_ARGOCD_URL: 'https://argocd.example.test',
		ORBIT_ARGOCD_TOKEN: 'token',
		ORBIT_ARGOCD_WEBHOOK_SECRET: SECRET,
	} );
	const app = Fastify();
	app.setErrorHandler( errorHandler );
	app.register( notificationRoutes, {
		config,
		// hello-web has a committed deploy in dev; nothing else has.
		revisions: {
			current: async ( name: string, environment: string ) =>
				name === 'hello-web' && environment === 'dev'
					? ( { revision: 1 } as never )
					: undefined,
		},
		jobs: {
			submit: async ( job ) => {
				submitted.push( job );
				return job as never;
			},
		},
	} );

	beforeAll( async () => {
		argocd.addApplication(
			{
				metadata: { name: 'orbit-dev', namespace: 'argocd' },
				spec: {
					project: 'default',
					source: {
						repoURL: 'http://git.test/r.git',
						path: 'environments/dev',
					},
					destination: { namespace: 'orbit-dev' },
				},
			},
			[
				{
					version: 'v1',
					kind: 'Service',
					namespace: 'orbit-dev',
					name: 'hello-web',
				},
				{
					group: 'apps',
					version: 'v1',
					kind: 'Deployment',
					namespace: 'orbit-dev',
					name: 'hello-web',
				},
			],
			'3f786850e387550fdab836ed7e6dc881de23001b'
		);
		argocd.degrade(
			'orbit-dev',
			'Deployment/hello-web',
			'Deployment "hello-web" exceeded its progress deadline'
		);
		await app.ready();
	} );
	afterAll( () => app.close() );

	const post = ( body: unknown, authorization?: string ) =>
		app.inject( {
			method: 'POST',
			url: '/v1/notifications/argocd',
			headers: authorization ? { authorization } : {},
			payload: body as object,
		} );

	it( 'refuses a request without the webhook secret', async () => {
		const body = argocd.notificationBody(
			'orbit-dev',
			'on-health-degraded'
		);
		expect( ( await post( body ) ).statusCode ).toBe( 401 );
		expect(
			( await post( body, `Bearer ${ SECRET }x` ) ).json()
		).toMatchObject( {
			code: 'orbit_notification_unauthorized',
		} );
		expect( submitted ).toEqual( [] );
	} );

	it( 'starts one status job per app, once per notification', async () => {
		const body = argocd.notificationBody(
			'orbit-dev',
			'on-health-degraded'
		);
		const first = await post( body, `Bearer ${ SECRET }` );
		expect( first.statusCode ).toBe( 202 );
		const again = await post( body, `Bearer ${ SECRET }` );
		expect( again.json().jobIds ).toEqual( first.json().jobIds );
		expect( submitted[ 0 ] ).toMatchObject( {
			kind: 'cluster-status',
			appName: 'hello-web',
			environment: 'dev',
			actor: { login: 'argocd' },
			input: {
				source: 'notification',
				mode: 'gitops',
				namespace: 'orbit-dev',
			},
		} );
	} );

	it( 'leaves out objects of apps Orbit never deployed', async () => {
		const body = argocd.notificationBody( 'orbit-dev', 'on-deployed' );
		body.resources = body.resources.map(
			( resource: Record< string, unknown > ) => ( {
				...resource,
				name: 'not-orbits',
			} )
		);
		const answer = await post( body, `Bearer ${ SECRET }` );
		expect( answer.json() ).toEqual( { environment: 'dev', jobIds: [] } );
	} );

	it( 'refuses an Application no environment is synced by, and a malformed body', async () => {
		const body = {
			...argocd.notificationBody( 'orbit-dev', 'on-deployed' ),
			application: 'someone-else',
		};
		expect(
			( await post( body, `Bearer ${ SECRET }` ) ).json()
		).toMatchObject( {
			code: 'orbit_unknown_application',
		} );
		expect(
			( await post( { trigger: 'x' }, `Bearer ${ SECRET }` ) ).statusCode
		).toBe( 400 );
	} );
} );
