/**
 * The GitOps mode's Argo CD adapter against the Argo CD API stand-in
 * (Argo CD cannot run here).
 */
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ArgoCdClient } from '../../src/adapters/argocd.js';
import {
	syncVerdict,
	type SyncVerdict,
} from '../../src/cluster/argocd-status.js';
import { ArgoCdApiStandIn } from '../support/argocd-api-stand-in.js';

const NAMESPACE = 'orbit-dev';
const COMMITTED = '3f786850e387550fdab836ed7e6dc881de23001b';
const NEXT = '89e6c98d92887913cadf06b2adb97f26cde4849b';

function applicationManifest( name: string ) {
	return {
		apiVersion: 'argoproj.io/v1alpha1',
		kind: 'Application',
		metadata: { name, namespace: 'argocd' },
		spec: {
			project: 'default',
			source: {
				repoURL: 'http://127.0.0.1:8418/orbit-gitops.git',
				targetRevision: 'main',
				path: 'environments/dev',
			},
			destination: {
				server: 'https://kubernetes.default.svc',
				namespace: NAMESPACE,
			},
		},
	};
}

const resources = ( app: string ) => [
	{ version: 'v1', kind: 'Service', namespace: NAMESPACE, name: app },
	{
		group: 'apps',
		version: 'v1',
		kind: 'Deployment',
		namespace: NAMESPACE,
		name: app,
	},
];

describe( 'Argo CD adapter (GitOps mode) against the API stand-in', () => {
	let argocd: ArgoCdApiStandIn;
	let client: ArgoCdClient;

	beforeAll( async () => {
		argocd = await new ArgoCdApiStandIn( 30 ).start();
		const target = ( application: string, deadlineMs = 20_000 ) => ( {
			url: argocd.url,
			token: argocd.token,
			application,
			deadlineMs,
		} );
		client = new ArgoCdClient( {
			dev: target( 'orbit-dev' ),
			test: target( 'orbit-test' ),
			prod: target( 'orbit-prod', 1_500 ),
		} );
		for ( const env of [ 'dev', 'test', 'prod' ] ) {
			argocd.addApplication(
				applicationManifest( `orbit-${ env }` ),
				resources( 'hello-web' ),
				COMMITTED
			);
		}
	} );

	afterAll( () => argocd.stop() );

	it( 'serves Applications the Argo CD models accept', () => {
		const served = argocd.application( 'orbit-dev' );
		expect( () =>
			new Application( {
				...served,
				metadata: served.metadata,
				spec: served.spec,
			} ).validate()
		).not.toThrow();
	} );

	it( 'syncs the commit and follows it: committed → syncing → deployed', async () => {
		const seen: SyncVerdict[] = [];
		argocd.hold();
		const following = client.syncAndFollow( {
			environment: 'dev',
			app: { namespace: NAMESPACE, name: 'hello-web' },
			revision: NEXT,
			onProgress: ( v ) => {
				seen.push( v );
				argocd.resume();
			},
		} );
		const verdict = await following;
		expect( verdict ).toMatchObject( {
			state: 'deployed',
			health: 'Healthy',
			revision: NEXT,
		} );
		// Seen in flight first (OutOfSync, then Synced but Progressing), deployed last.
		expect( seen[ 0 ]?.state ).toBe( 'syncing' );
		expect( seen.map( ( v ) => v.health ) ).toContain( 'Progressing' );
		expect( seen.at( -1 )?.state ).toBe( 'deployed' );
		expect( argocd.syncRequests.at( -1 ) ).toMatchObject( {
			name: 'orbit-dev',
			revision: NEXT,
		} );
		expect( argocd.application( 'orbit-dev' ).status.sync ).toMatchObject( {
			status: 'Synced',
			revision: NEXT,
		} );
	} );

	it( 'ends degraded with the resource and message Argo CD gives', async () => {
		argocd.failNextSync( 'orbit-test', {
			kind: 'degraded',
			resource: 'Deployment/hello-web',
			message: 'Deployment "hello-web" exceeded its progress deadline',
		} );
		const verdict = await client.syncAndFollow( {
			environment: 'test',
			app: { namespace: NAMESPACE, name: 'hello-web' },
			revision: NEXT,
		} );
		expect( verdict ).toEqual( {
			state: 'degraded',
			health: 'Degraded',
			revision: NEXT,
			resource: 'Deployment/hello-web',
			message:
				'Deployment/hello-web: Deployment "hello-web" exceeded its progress deadline',
		} );
	} );

	it( 'ends failed when the sync operation fails, naming the resource', async () => {
		argocd.failNextSync( 'orbit-dev', {
			kind: 'sync-failed',
			resource: 'Deployment/hello-web',
			message:
				'Deployment.apps "hello-web" is invalid: spec.template.spec.containers[0].image: Required value',
		} );
		const third = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
		const verdict = await client.syncAndFollow( {
			environment: 'dev',
			app: { namespace: NAMESPACE, name: 'hello-web' },
			revision: third,
		} );
		expect( verdict ).toMatchObject( {
			state: 'failed',
			resource: 'Deployment/hello-web',
			revision: third,
		} );
		expect( verdict.state === 'failed' && verdict.message ).toContain(
			'spec.template.spec.containers[0].image: Required value'
		);
	} );

	it( 'fails with the deadline when Argo CD never syncs the commit', async () => {
		argocd.failNextSync( 'orbit-prod', { kind: 'no-answer' } );
		const verdict = await client.syncAndFollow( {
			environment: 'prod',
			app: { namespace: NAMESPACE, name: 'hello-web' },
			revision: NEXT,
		} );
		expect( verdict.state ).toBe( 'failed' );
		expect( verdict.state === 'failed' && verdict.message ).toMatch(
			/^Argo CD did not sync commit 89e6c98d9288 within \d+ min/
		);
	} );

	it( 'reads a later Degraded state from a notification body', async () => {
		const app = { namespace: NAMESPACE, name: 'hello-web' };
		await expect(
			client.syncAndFollow( { environment: 'dev', app, revision: NEXT } )
		).resolves.toMatchObject( { state: 'deployed' } );
		argocd.degrade(
			'orbit-dev',
			'Deployment/hello-web',
			'Deployment "hello-web" exceeded its progress deadline'
		);
		const body = argocd.notificationBody(
			'orbit-dev',
			'on-health-degraded'
		);
		expect(
			syncVerdict(
				{
					status: {
						resources: body.resources,
						sync: { status: body.sync, revision: body.revision },
						health: { status: body.health },
					},
				},
				{ namespace: NAMESPACE, name: 'hello-web' }
			)
		).toMatchObject( {
			state: 'degraded',
			resource: 'Deployment/hello-web',
		} );
		expect(
			await client.read( 'dev', {
				namespace: NAMESPACE,
				name: 'hello-web',
			} )
		).toMatchObject( { state: 'degraded', health: 'Degraded' } );
	} );

	it( 'refuses a wrong token with the error Argo CD sends', async () => {
		const wrong = new ArgoCdClient( {
			dev: {
				url: argocd.url,
				token: 'not-the-token',
				application: 'orbit-dev',
				deadlineMs: 1000,
			},
		} );
		await expect(
			wrong.read( 'dev', { namespace: NAMESPACE, name: 'hello-web' } )
		).rejects.toThrow( /401.*invalid session/ );
	} );
} );
