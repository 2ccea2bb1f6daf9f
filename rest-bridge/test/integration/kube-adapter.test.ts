/**
 * The direct mode's Kubernetes adapter, through @kubernetes/client-node,
 * against the Kubernetes API stand-in (no API server runs here).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	FieldManagerConflictError,
	type ClusterObject,
} from '../../src/adapters/cluster-client.js';
import { KubernetesClusters } from '../../src/adapters/kube.js';
import type { ReplicaCounts } from '../../src/cluster/rollout.js';
import { KubernetesApiStandIn } from '../support/kubernetes-api-stand-in.js';

const NAMESPACE = 'orbit-dev';

function workload( app: string, image: string, replicas = 3 ): ClusterObject[] {
	const labels = { 'app.kubernetes.io/name': app };
	return [
		{
			apiVersion: 'v1',
			kind: 'Namespace',
			metadata: { name: NAMESPACE },
		},
		{
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: app, namespace: NAMESPACE, labels },
			spec: {
				replicas,
				selector: { matchLabels: labels },
				template: {
					metadata: { labels },
					spec: {
						containers: [
							{
								name: app,
								image,
								ports: [
									{ containerPort: 8080, protocol: 'TCP' },
								],
							},
						],
					},
				},
			},
		} as ClusterObject,
		{
			apiVersion: 'v1',
			kind: 'Service',
			metadata: { name: app, namespace: NAMESPACE, labels },
			spec: {
				selector: labels,
				ports: [ { port: 80, targetPort: 8080, protocol: 'TCP' } ],
			},
		} as ClusterObject,
	];
}

const IMAGE =
	'127.0.0.1:5000/orbit-dev/hello-web@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe( 'Kubernetes adapter (direct mode) against the API stand-in', () => {
	let api: KubernetesApiStandIn;
	let clusters: KubernetesClusters;
	let directory: string;

	beforeAll( async () => {
		api = await new KubernetesApiStandIn( {
			tickMs: 20,
			secondMs: 5,
		} ).start();
		directory = await mkdtemp( join( tmpdir(), 'orbit-kubeconfig-' ) );
		const kubeconfigPath = join( directory, 'config' );
		await writeFile( kubeconfigPath, api.kubeconfig( [ 'dev-cluster' ] ) );
		clusters = new KubernetesClusters( {
			kubeconfigPath,
			contexts: { dev: 'dev-cluster' },
		} );
	} );

	afterAll( async () => {
		await api.stop();
		await rm( directory, { recursive: true, force: true } );
	} );

	it( 'applies server-side as k8or-orbit and follows the rollout to 3/3 ready', async () => {
		await clusters.apply( 'dev', workload( 'hello-web', IMAGE ) );

		const deployment = api.get( 'Deployment', NAMESPACE, 'hello-web' )!;
		expect(
			deployment.metadata.managedFields.map(
				( entry: { manager: string; operation: string } ) =>
					`${ entry.manager }:${ entry.operation }`
			)
		).toContain( 'k8or-orbit:Apply' );
		expect(
			api.requests.some(
				( request ) =>
					request.method === 'PATCH' &&
					request.path.includes( 'fieldManager=k8or-orbit' ) &&
					! request.path.includes( 'force=true' )
			)
		).toBe( true );

		const seen: ReplicaCounts[] = [];
		const verdict = await clusters.followRollout(
			{ environment: 'dev', namespace: NAMESPACE, name: 'hello-web' },
			{
				deadlineMs: 20_000,
				podCheckMs: 100,
				onProgress: ( r ) => seen.push( r ),
			}
		);
		expect( verdict ).toMatchObject( {
			state: 'done',
			replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
		} );
		// The count moved through the rollout rather than jumping to the end.
		expect( seen.some( ( r ) => r.ready > 0 && r.ready < 3 ) ).toBe( true );

		const live = await clusters.readWorkload( {
			environment: 'dev',
			namespace: NAMESPACE,
			name: 'hello-web',
		} );
		expect( live ).toEqual( {
			health: 'Healthy',
			replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
		} );
	} );

	it( 'fails an image that cannot be pulled, naming the pod, container and reason', async () => {
		const broken = IMAGE.replace( 'hello-web@', 'missing-web@' );
		api.failImage( broken, 'image-pull-error' );
		await clusters.apply( 'dev', workload( 'missing-web', broken, 2 ) );

		const verdict = await clusters.followRollout(
			{ environment: 'dev', namespace: NAMESPACE, name: 'missing-web' },
			{ deadlineMs: 20_000, podCheckMs: 100 }
		);
		expect( verdict.state ).toBe( 'failed' );
		if ( verdict.state !== 'failed' ) {
			return;
		}
		expect( [ 'ErrImagePull', 'ImagePullBackOff' ] ).toContain(
			verdict.reason
		);
		expect( verdict.container ).toBe( 'missing-web' );
		expect( verdict.pod ).toMatch( /^missing-web-[a-z]+-[a-z]+$/ );
		expect(
			api.get( 'Pod', NAMESPACE, verdict.pod! )?.status
				.containerStatuses[ 0 ].state.waiting.reason
		).toMatch( /ErrImagePull|ImagePullBackOff/ );
		expect( verdict.message ).toContain( verdict.pod );
	} );

	it( 'fails a crash-looping container and a rollout past its progress deadline', async () => {
		const crashing = IMAGE.replace( 'hello-web@', 'crash-web@' );
		api.failImage( crashing, 'crash-loop' );
		await clusters.apply( 'dev', workload( 'crash-web', crashing, 1 ) );
		const crash = await clusters.followRollout(
			{ environment: 'dev', namespace: NAMESPACE, name: 'crash-web' },
			{ deadlineMs: 20_000, podCheckMs: 100 }
		);
		expect( crash ).toMatchObject( {
			state: 'failed',
			reason: 'CrashLoopBackOff',
			container: 'crash-web',
		} );

		const pending = IMAGE.replace( 'hello-web@', 'big-web@' );
		api.failImage( pending, 'unschedulable' );
		const objects = workload( 'big-web', pending, 2 );
		(
			objects[ 1 ] as unknown as {
				spec: { progressDeadlineSeconds: number };
			}
		 ).spec.progressDeadlineSeconds = 60;
		await clusters.apply( 'dev', objects );
		const stuck = await clusters.followRollout(
			{ environment: 'dev', namespace: NAMESPACE, name: 'big-web' },
			{ deadlineMs: 20_000, podCheckMs: 100 }
		);
		expect( stuck ).toMatchObject( {
			state: 'failed',
			reason: 'ProgressDeadlineExceeded',
		} );
		expect( stuck.state === 'failed' && stuck.message ).toContain(
			'has timed out progressing'
		);
	} );

	it( 'reports a field owned by another manager by name and never forces it', async () => {
		const objects = workload( 'shared-web', IMAGE, 2 );
		await clusters.apply( 'dev', objects );
		// Someone scales the Deployment by hand.
		api.updateAs( 'kubectl-edit', {
			apiVersion: 'apps/v1',
			kind: 'Deployment',
			metadata: { name: 'shared-web', namespace: NAMESPACE },
			spec: { replicas: 5 },
		} );
		(
			objects[ 1 ] as unknown as { spec: { replicas: number } }
		 ).spec.replicas = 4;

		const failure = await clusters.apply( 'dev', objects ).then(
			() => undefined,
			( error: unknown ) => error
		);
		expect( failure ).toBeInstanceOf( FieldManagerConflictError );
		expect( ( failure as FieldManagerConflictError ).managers ).toEqual( [
			'kubectl-edit',
		] );
		expect( ( failure as FieldManagerConflictError ).fields ).toEqual( [
			'.spec.replicas',
		] );
		expect( ( failure as Error ).message ).toContain( '"kubectl-edit"' );
		expect(
			api.get( 'Deployment', NAMESPACE, 'shared-web' )!.spec.replicas
		).toBe( 5 );
		expect(
			api.requests.some( ( request ) =>
				request.path.includes( 'force=true' )
			)
		).toBe( false );
	} );

	it( 'resumes the watch when the API server goes away mid-rollout', async () => {
		const image = IMAGE.replace( 'hello-web@', 'resumed-web@' );
		await clusters.apply( 'dev', workload( 'resumed-web', image, 3 ) );
		const watchesBefore = api.requests.filter( ( r ) =>
			r.path.includes( 'watch=true' )
		).length;
		const following = clusters.followRollout(
			{ environment: 'dev', namespace: NAMESPACE, name: 'resumed-web' },
			{ deadlineMs: 30_000, podCheckMs: 5_000 }
		);
		await new Promise( ( resolve ) => setTimeout( resolve, 60 ) );
		api.goAway( 400 );

		await expect( following ).resolves.toMatchObject( {
			state: 'done',
			replicas: { ready: 3, desired: 3 },
		} );
		const watches = api.requests
			.filter( ( r ) => r.path.includes( 'watch=true' ) )
			.slice( watchesBefore );
		expect( watches.length ).toBeGreaterThanOrEqual( 2 );
		// The second watch resumes from a version, it does not start over.
		expect( watches[ 1 ]?.path ).toMatch( /resourceVersion=\d+/ );
	} );

	it( 'deletes with foreground propagation and waits until the objects are gone', async () => {
		const objects = workload( 'hello-web', IMAGE ).slice( 1 );
		await clusters.remove( 'dev', objects, { deadlineMs: 10_000 } );
		expect(
			api.requests.some(
				( r ) =>
					r.method === 'DELETE' &&
					r.path.includes( '/deployments/hello-web' ) &&
					r.path.includes( 'propagationPolicy=Foreground' )
			)
		).toBe( true );
		expect(
			api.get( 'Deployment', NAMESPACE, 'hello-web' )
		).toBeUndefined();
		expect(
			api
				.list( 'Pod', NAMESPACE )
				.filter( ( pod ) =>
					pod.metadata.name.startsWith( 'hello-web-' )
				)
		).toEqual( [] );
		const missing = await clusters.readWorkload( {
			environment: 'dev',
			namespace: NAMESPACE,
			name: 'hello-web',
		} );
		expect( missing.health ).toBe( 'Missing' );
	} );
} );
