/**
 * A deploy past its commit: real bridge processes deploy an uploaded image
 * through the stack's registry and GitOps repository, then to the
 * Kubernetes API stand-in (direct mode) or through the Argo CD API stand-in
 * (gitops mode); neither Kubernetes nor Argo CD can run here.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BridgeEvent } from '../../src/events/event.js';
import { ArgoCdApiStandIn } from '../support/argocd-api-stand-in.js';
import { KubernetesApiStandIn } from '../support/kubernetes-api-stand-in.js';
import { BridgeProcess, bridgeEnv, runCli, signed } from './support/bridge.js';
import { FakeWordPress } from './support/fake-wordpress.js';
import { buildDockerArchive, type BuiltImage } from './support/image.js';
import {
	ACTOR,
	allEvents,
	buildBridge,
	upload,
	waitForJob,
} from './support/jobs.js';
import { TestServices, freePort, waitFor } from './support/services.js';

const stackFile = process.env.ORBIT_STACK_FILE;
if ( ! stackFile ) {
	throw new Error(
		'The deploy tests need the test stack (registry and GitOps repository): run them through npm test or set ORBIT_STACK_FILE.'
	);
}
const stack = JSON.parse( readFileSync( stackFile, 'utf8' ) ) as {
	registry: { url: string };
	gitops: { url: string };
};
const run = randomBytes( 3 ).toString( 'hex' );
const POLICY = { scanRequired: false, maxSeverity: 'CRITICAL', exemptions: [] };
const inputs = ( replicas: number ) => ( {
	replicas,
	containerPort: 8080,
	resources: {
		requests: { cpu: '100m', memory: '64Mi' },
		limits: { cpu: '500m', memory: '128Mi' },
	},
	env: [],
} );

const services = new TestServices();
const kube = new KubernetesApiStandIn( { tickMs: 30 } );
const argocd = new ArgoCdApiStandIn();
let wordpress: FakeWordPress;
let env: Record< string, string >;
let image: BuiltImage;
const bridges: BridgeProcess[] = [];

async function startBridge( options: { pauseMs?: number } = {} ) {
	const bridge = new BridgeProcess(
		{ ...env, ORBIT_BRIDGE_PORT: String( await freePort() ) },
		options
	);
	bridges.push( bridge );
	await bridge.start();
	return bridge;
}

const deploy = (
	bridgeUrl: string,
	app: string,
	body: Record< string, unknown >
) =>
	signed(
		bridgeUrl,
		'POST',
		`/v1/apps/${ app }/deployments`,
		{ policy: POLICY, actor: ACTOR, ...body },
		( headers ) => ( { ...headers, 'Idempotency-Key': randomUUID() } )
	);

async function events( bridgeUrl: string, jobId: string ) {
	return [
		...( await allEvents( bridgeUrl, `/v1/jobs/${ jobId }/events` ) ),
	].reverse() as BridgeEvent[];
}

/** The environment state the job delivered to WordPress. */
function deliveredState( jobId: string, environment: string ) {
	const event = wordpress
		.eventsOf( jobId )
		.find( ( e ) => e.name === 'deployment-status-updated' );
	return (
		event?.data.environments as Record< string, Record< string, unknown > >
	 )?.[ environment ];
}

/** An uploaded app, as the catalog holds it before its first deploy. */
async function uploadedApp( bridge: BridgeProcess, name: string ) {
	const { jobId } = await upload(
		bridge.url,
		readFileSync( image.archive ),
		name
	);
	await waitForJob( bridge.url, jobId, 'succeeded' );
}

beforeAll( async () => {
	buildBridge();
	const endpoints = await services.start();
	await kube.start();
	await argocd.start();
	process.env.AWS_ACCESS_KEY_ID = endpoints.s3.accessKeyId;
	process.env.AWS_SECRET_ACCESS_KEY = endpoints.s3.secretAccessKey;
	const kubeconfig = join( services.tempDir, 'kubeconfig' );
	writeFileSync( kubeconfig, kube.kubeconfig( [ 'dev-cluster' ] ) );
	wordpress = new FakeWordPress( 'integration-test-secret-0123456789abcdef' );
	env = bridgeEnv( endpoints, {
		prefix: `it-${ run }-`,
		wordpressUrl: await wordpress.start( await freePort() ),
		port: 0,
		extra: {
			ORBIT_REGISTRY_URL_DEV: `${ stack.registry.url }/it-${ run }/dev`,
			ORBIT_REGISTRY_URL_PROD: `${ stack.registry.url }/it-${ run }/prod`,
			ORBIT_GITOPS_URL: stack.gitops.url,
			KUBECONFIG: kubeconfig,
			ORBIT_KUBE_CONTEXT_DEV: 'dev-cluster',
			ORBIT_ARGOCD_URL_PROD: argocd.url,
			ORBIT_ARGOCD_TOKEN_PROD: argocd.token,
		},
	} );
	const provisioned = await runCli( [ 'provision' ], env );
	expect( provisioned.code, provisioned.stderr ).toBe( 0 );
	image = await buildDockerArchive( services.tempDir, 1024 * 1024 );
} );

afterAll( async () => {
	await Promise.all( bridges.map( ( b ) => b.kill( 'SIGKILL' ) ) );
	await wordpress?.stop();
	await kube.stop();
	await argocd.stop();
	await services.stop();
} );

describe( 'direct mode against the Kubernetes API stand-in', () => {
	it( 'ends deployed with 3/3 ready after the simulated rollout', async () => {
		const app = `web-${ run }`;
		const bridge = await startBridge();
		await uploadedApp( bridge, app );
		const started = await deploy( bridge.url, app, {
			environment: 'dev',
			inputs: inputs( 3 ),
			mode: 'direct',
		} );
		expect( started.status, JSON.stringify( started.body ) ).toBe( 202 );
		await waitForJob( bridge.url, started.body.jobId, 'succeeded' );
		const names = ( await events( bridge.url, started.body.jobId ) ).map(
			( e ) => e.name
		);
		expect(
			names.slice( names.indexOf( 'deploy-list-updated' ) + 1 )
		).toEqual( [
			'kubernetes-manifests-applied',
			'rollout-started',
			'deployed',
			'deployment-status-updated',
			'deployment-completed',
		] );
		expect( deliveredState( started.body.jobId, 'dev' ) ).toMatchObject( {
			status: 'deployed',
			health: 'Healthy',
			ready: '3/3 ready',
			revision: 1,
		} );
		const live = kube.get( 'Deployment', 'orbit-dev', app );
		expect( live?.status ).toMatchObject( {
			readyReplicas: 3,
			availableReplicas: 3,
		} );
		expect( live?.metadata.labels[ 'orbit.k8or.io/environment' ] ).toBe(
			'dev'
		);
		await bridge.kill( 'SIGTERM' );
	} );

	it( 'ends failed naming the pod and reason when the image cannot be pulled', async () => {
		const app = `broken-${ run }`;
		const bridge = await startBridge();
		await uploadedApp( bridge, app );
		const preview = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ app }/deployments/preview`,
			{ environment: 'dev', inputs: inputs( 2 ), policy: POLICY }
		);
		kube.failImage( preview.body.image.reference, 'image-pull-error' );
		const started = await deploy( bridge.url, app, {
			environment: 'dev',
			inputs: inputs( 2 ),
			mode: 'direct',
		} );
		await waitForJob( bridge.url, started.body.jobId, 'failed' );
		const all = await events( bridge.url, started.body.jobId );
		const failed = all.find( ( e ) => e.name === 'deployment-failed' );
		expect( failed?.message ).toMatch(
			new RegExp(
				`Pod ${ app }-[a-z]+-[a-z]+ container ${ app }: (ErrImagePull|ImagePullBackOff)`
			)
		);
		expect( deliveredState( started.body.jobId, 'dev' ) ).toMatchObject( {
			status: 'failed',
			health: 'Degraded',
		} );
		await bridge.kill( 'SIGTERM' );
	} );

	it( 'a bridge killed mid-watch: another replica picks the watch up and finishes', async () => {
		const app = `resumed-${ run }`;
		const setup = await startBridge();
		await uploadedApp( setup, app );
		await setup.kill( 'SIGTERM' );
		const a = await startBridge( { pauseMs: 150 } );
		const started = await deploy( a.url, app, {
			environment: 'dev',
			inputs: inputs( 3 ),
			mode: 'direct',
		} );
		const { jobId } = started.body;
		await waitFor(
			'rollout-started from bridge A',
			async () =>
				( await events( a.url, jobId ) ).some(
					( e ) => e.name === 'rollout-started'
				)
					? true
					: undefined,
			60_000,
			50
		);
		await a.kill( 'SIGKILL' );
		const b = await startBridge();
		await waitForJob( b.url, jobId, 'succeeded' );
		const names = ( await events( b.url, jobId ) ).map( ( e ) => e.name );
		expect( names.filter( ( n ) => n === 'rollout-started' ) ).toHaveLength(
			1
		);
		expect( deliveredState( jobId, 'dev' ) ).toMatchObject( {
			status: 'deployed',
			ready: '3/3 ready',
		} );
		await b.kill( 'SIGTERM' );
	} );
} );

describe( 'gitops mode through the Argo CD API stand-in', () => {
	it( 'goes committed → syncing → deployed, with the Application written to argocd/prod.yaml', async () => {
		const app = `synced-${ run }`;
		const bridge = await startBridge();
		await uploadedApp( bridge, app );
		argocd.addApplication(
			{
				metadata: { name: 'orbit-prod', namespace: 'argocd' },
				spec: {
					project: 'default',
					source: {
						repoURL: stack.gitops.url,
						targetRevision: 'main',
						path: 'environments/prod',
					},
					destination: {
						server: 'https://kubernetes.default.svc',
						namespace: 'orbit-prod',
					},
				},
			},
			[
				{
					group: 'apps',
					version: 'v1',
					kind: 'Deployment',
					namespace: 'orbit-prod',
					name: app,
				},
			],
			'0000000000000000000000000000000000000000'
		);
		const started = await deploy( bridge.url, app, {
			environment: 'prod',
			inputs: inputs( 1 ),
			mode: 'gitops',
		} );
		expect( started.status, JSON.stringify( started.body ) ).toBe( 202 );
		await waitForJob( bridge.url, started.body.jobId, 'succeeded' );
		const all = await events( bridge.url, started.body.jobId );
		const names = all.map( ( e ) => e.name );
		const commit = String(
			all.find( ( e ) => e.name === 'manifest-pushed' )?.data.commit
		);
		expect( names.slice( names.indexOf( 'manifest-pushed' ) ) ).toEqual( [
			'manifest-pushed',
			'deploy-list-update-started',
			'deploy-list-updated',
			'argo-cd-sync-started',
			'argo-cd-sync-completed',
			'deployment-status-updated',
			'deployment-completed',
		] );
		expect( argocd.syncRequests.at( -1 ) ).toMatchObject( {
			name: 'orbit-prod',
			revision: commit,
		} );
		expect( deliveredState( started.body.jobId, 'prod' ) ).toMatchObject( {
			status: 'deployed',
			health: 'Healthy',
			commit,
		} );

		const dir = mkdtempSync( join( services.tempDir, 'clone-' ) );
		execFileSync( 'git', [ 'clone', '--quiet', stack.gitops.url, dir ] );
		const application = parse(
			readFileSync( join( dir, 'argocd/prod.yaml' ), 'utf8' )
		);
		expect( application.spec ).toMatchObject( {
			source: { path: 'environments/prod' },
			destination: { namespace: 'orbit-prod' },
		} );
		// Production is synced by hand unless the settings say otherwise.
		expect( application.spec.syncPolicy.automated ).toBeUndefined();
		await bridge.kill( 'SIGTERM' );
	} );
} );
