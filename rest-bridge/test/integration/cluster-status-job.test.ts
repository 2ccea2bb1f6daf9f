/**
 * What runs reaches the app's state through the bridge process and the
 * normal event path (event log, NATS, the signed WordPress callback): an
 * operator's Refresh reads the Kubernetes API stand-in; a notification from
 * Argo CD Notifications (rendered from the Argo CD API stand-in) turns the
 * environment degraded.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DynamoDocumentStore } from '../../src/adapters/dynamo.js';
import { RevisionStore } from '../../src/adapters/dynamo-revisions.js';
import { KubernetesClusters } from '../../src/adapters/kube.js';
import { loadConfig } from '../../src/config.js';
import { resourceNames } from '../../src/resources.js';
import type { BridgeEvent } from '../../src/events/event.js';
import { ArgoCdApiStandIn } from '../support/argocd-api-stand-in.js';
import { KubernetesApiStandIn } from '../support/kubernetes-api-stand-in.js';
import { BridgeProcess, bridgeEnv, runCli, signed } from './support/bridge.js';
import { FakeWordPress } from './support/fake-wordpress.js';
import {
	REPO_ROOT,
	TestServices,
	freePort,
	waitFor,
} from './support/services.js';

const APP = 'hello-web';
const NAMESPACE = 'orbit-dev';
const ACTOR = { id: 2, login: 'operator' };
const WEBHOOK_SECRET = 'argocd-webhook-secret-0123456789abcdef';
const IMAGE =
	'127.0.0.1:5000/orbit-dev/hello-web@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b';

const services = new TestServices();
const kube = new KubernetesApiStandIn( { tickMs: 20 } );
const argocd = new ArgoCdApiStandIn();
let wordpress: FakeWordPress;
let bridge: BridgeProcess;

/** The state WordPress holds after the deploy committed revision 3. */
const committedState = {
	status: 'committed',
	revision: 3,
	image: IMAGE,
	commit: COMMIT,
	actor: ACTOR,
	committedAt: '2026-12-01T04:00:00.000Z',
	updatedAt: '2026-12-01T04:00:00.000Z',
	message: 'Committed; waiting for the cluster.',
};

async function eventsOf( jobId: string, last: string ) {
	return waitFor( `${ last } of job ${ jobId } in WordPress`, async () => {
		const events = wordpress.eventsOf( jobId );
		return events.some( ( e ) => e.name === last ) ? events : undefined;
	} );
}

const environmentOf = ( events: BridgeEvent[] ) =>
	(
		events.find( ( e ) => e.name === 'deployment-status-updated' )?.data
			.environments as Record< string, Record< string, unknown > >
	 )?.dev;

beforeAll( async () => {
	try {
		execFileSync( 'npx', [ 'tsc', '--build', 'rest-bridge' ], {
			cwd: REPO_ROOT,
			stdio: 'pipe',
		} );
	} catch ( error ) {
		if ( ! existsSync( join( REPO_ROOT, 'rest-bridge/dist/server.js' ) ) ) {
			throw error;
		}
	}
	const endpoints = await services.start();
	await kube.start();
	await argocd.start();
	const kubeconfig = join( services.tempDir, 'kubeconfig' );
	writeFileSync( kubeconfig, kube.kubeconfig( [ 'dev-cluster' ] ) );
	wordpress = new FakeWordPress( 'integration-test-secret-0123456789abcdef' );
	const wordpressUrl = await wordpress.start( await freePort() );
	const env = bridgeEnv( endpoints, {
		prefix: `it-${ randomBytes( 3 ).toString( 'hex' ) }-`,
		wordpressUrl,
		port: await freePort(),
		extra: {
			KUBECONFIG: kubeconfig,
			ORBIT_KUBE_CONTEXT_DEV: 'dev-cluster',
			ORBIT_ARGOCD_URL: argocd.url,
			ORBIT_ARGOCD_TOKEN: argocd.token,
			ORBIT_ARGOCD_WEBHOOK_SECRET: WEBHOOK_SECRET,
		},
	} );
	const provisioned = await runCli( [ 'provision' ], env );
	expect( provisioned.code, provisioned.stderr ).toBe( 0 );
	// The deploy that committed revision 1 of the app to dev.
	process.env.AWS_ACCESS_KEY_ID = endpoints.s3.accessKeyId;
	process.env.AWS_SECRET_ACCESS_KEY = endpoints.s3.secretAccessKey;
	const config = loadConfig( env );
	const revisions = new RevisionStore(
		DynamoDocumentStore.fromConfig( config.dynamodb ),
		resourceNames( config ).tables.revisions
	);
	const committed = await revisions.allocate( {
		app: APP,
		environment: 'dev',
		jobId: randomUUID(),
		inputs: { replicas: 3 },
		actor: ACTOR,
	} );
	await revisions.finish( APP, 'dev', committed.revision, {
		status: 'committed',
		commit: COMMIT,
	} );
	bridge = new BridgeProcess( env );
	await bridge.start();

	// What an earlier direct deploy left running: 3 replicas of the app.
	const clusters = new KubernetesClusters( {
		kubeconfigPath: kubeconfig,
		contexts: { dev: 'dev-cluster' },
	} );
	const labels = { 'app.kubernetes.io/name': APP };
	await clusters.apply( 'dev', [
		{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
		{
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: APP, namespace: NAMESPACE, labels },
			spec: {
				replicas: 3,
				selector: { matchLabels: labels },
				template: {
					metadata: { labels },
					spec: { containers: [ { name: APP, image: IMAGE } ] },
				},
			},
		} as never,
	] );
	argocd.addApplication(
		{
			metadata: { name: 'orbit-dev', namespace: 'argocd' },
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
		},
		[
			{ version: 'v1', kind: 'Service', namespace: NAMESPACE, name: APP },
			{
				group: 'apps',
				version: 'v1',
				kind: 'Deployment',
				namespace: NAMESPACE,
				name: APP,
			},
		],
		COMMIT
	);
} );

afterAll( async () => {
	await bridge?.kill( 'SIGKILL' );
	await wordpress?.stop();
	await kube.stop();
	await argocd.stop();
	await services.stop();
} );

describe( 'cluster status through the bridge', () => {
	it( 'Refresh reads the live rollout: deployed, Healthy, 3/3 ready', async () => {
		await waitFor( 'the rollout of the stand-in', async () =>
			kube.get( 'Deployment', NAMESPACE, APP )?.status?.readyReplicas ===
			3
				? true
				: undefined
		);
		const started = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ APP }/status`,
			{
				actor: ACTOR,
				environment: 'dev',
				mode: 'direct',
				namespace: NAMESPACE,
				state: committedState,
			}
		);
		expect( started.status, JSON.stringify( started.body ) ).toBe( 202 );
		const events = await eventsOf(
			started.body.jobId,
			'cluster-status-completed'
		);
		expect( events.map( ( e ) => e.name ) ).toEqual( [
			'deployment-status-read',
			'deployment-status-updated',
			'cluster-status-completed',
		] );
		const state = environmentOf( events );
		expect( state ).toMatchObject( {
			status: 'deployed',
			health: 'Healthy',
			ready: '3/3 ready',
			revision: 3,
			commit: COMMIT,
		} );
		expect( state?.message ).toBeUndefined();
	} );

	it( 'a Degraded notification from Argo CD turns the environment degraded with the message', async () => {
		argocd.degrade(
			'orbit-dev',
			'Deployment/hello-web',
			'Deployment "hello-web" exceeded its progress deadline'
		);
		const response = await fetch(
			`${ bridge.url }/v1/notifications/argocd`,
			{
				method: 'POST',
				headers: {
					authorization: `Bearer ${ WEBHOOK_SECRET }`,
					'content-type': 'application/json',
				},
				body: JSON.stringify(
					argocd.notificationBody( 'orbit-dev', 'on-health-degraded' )
				),
			}
		);
		expect( response.status ).toBe( 202 );
		const { jobIds } = ( await response.json() ) as { jobIds: string[] };
		expect( jobIds ).toHaveLength( 1 );
		const events = await eventsOf(
			jobIds[ 0 ]!,
			'deployment-status-updated'
		);
		const received = events.find(
			( e ) => e.name === 'deployment-notification-received'
		);
		expect( received ).toMatchObject( {
			appName: APP,
			environment: 'dev',
			actor: { login: 'argocd' },
			data: { health: 'Degraded', revision: COMMIT },
		} );
		// The rest of the state comes from the committed revision.
		expect( environmentOf( events ) ).toMatchObject( {
			revision: 1,
			commit: COMMIT,
			actor: ACTOR,
			status: 'degraded',
			health: 'Degraded',
			message:
				'Deployment/hello-web: Deployment "hello-web" exceeded its progress deadline',
		} );
	} );
} );
