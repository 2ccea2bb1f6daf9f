import {
	AppsV1Api,
	Watch,
	type KubeConfig,
	type V1Deployment,
	type V1Pod,
} from '@kubernetes/client-node';

import {
	replicaCounts,
	rolloutVerdict,
	type RolloutVerdict,
} from '../cluster/rollout.js';
import type { RolloutOptions, WorkloadRef } from './cluster-client.js';

/** Waits `ms`, or less when `signal` aborts. */
export const sleep = ( ms: number, signal?: AbortSignal ) =>
	new Promise< void >( ( resolve ) => {
		const timer = setTimeout( resolve, ms );
		signal?.addEventListener( 'abort', () => {
			clearTimeout( timer );
			resolve();
		} );
	} );

/**
 * Watches the Deployment (resuming from the last resourceVersion seen when
 * the connection drops, re-listing when that version is too old) and looks
 * at its pods between events, until the verdict is done or failed.
 */
export async function followDeploymentRollout(
	config: KubeConfig,
	workload: WorkloadRef,
	options: RolloutOptions,
	pods: ( deployment: V1Deployment ) => Promise< V1Pod[] >
): Promise< RolloutVerdict > {
	const watch = new Watch( config );
	const path = `/apis/apps/v1/namespaces/${ encodeURIComponent(
		workload.namespace
	) }/deployments`;
	const until = Date.now() + options.deadlineMs;
	const podCheckMs = options.podCheckMs ?? 2000;
	let latest: V1Deployment | undefined;
	let resourceVersion: string | undefined;
	let lastCount = '';
	let retryMs = 200;

	const judge = async (): Promise< RolloutVerdict | undefined > => {
		if ( ! latest ) {
			return undefined;
		}
		const verdict = rolloutVerdict( latest, await pods( latest ) );
		const count = JSON.stringify( verdict.replicas );
		if ( count !== lastCount ) {
			lastCount = count;
			options.onProgress?.( verdict.replicas );
		}
		return verdict.state === 'progressing' ? undefined : verdict;
	};

	while ( Date.now() < until && ! options.signal?.aborted ) {
		try {
			if ( ! resourceVersion ) {
				const apps = config.makeApiClient( AppsV1Api );
				const list = await apps.listNamespacedDeployment( {
					namespace: workload.namespace,
					fieldSelector: `metadata.name=${ workload.name }`,
				} );
				latest = list.items[ 0 ];
				resourceVersion = list.metadata?.resourceVersion;
			}
			const settled = await judge();
			if ( settled ) {
				return settled;
			}
			const outcome = await watchOnce( watch, path, workload, {
				resourceVersion,
				until,
				podCheckMs,
				signal: options.signal,
				onDeployment: ( deployment ) => {
					latest = deployment;
					resourceVersion = deployment.metadata?.resourceVersion;
				},
				onExpired: () => {
					resourceVersion = undefined;
				},
				judge,
			} );
			if ( outcome ) {
				return outcome;
			}
			retryMs = 200;
		} catch {
			// The API server went away or refused us: back off and resume
			// the watch from the last version seen.
			await sleep( retryMs, options.signal );
			retryMs = Math.min( retryMs * 2, 5000 );
		}
	}
	const replicas = latest
		? replicaCounts( latest )
		: { desired: 0, updated: 0, ready: 0, available: 0 };
	return {
		state: 'failed',
		replicas,
		reason: 'RolloutTimeout',
		message: `Deployment ${ workload.namespace }/${ workload.name } did not finish its rollout within ${ Math.round(
			options.deadlineMs / 1000
		) } s (${ replicas.ready }/${ replicas.desired } ready).`,
	};
}

/** One watch connection; resolves with a verdict, or undefined when the connection ends. */
async function watchOnce(
	watch: Watch,
	path: string,
	workload: WorkloadRef,
	context: {
		resourceVersion?: string;
		until: number;
		podCheckMs: number;
		signal?: AbortSignal;
		onDeployment: ( deployment: V1Deployment ) => void;
		onExpired: () => void;
		judge: () => Promise< RolloutVerdict | undefined >;
	}
): Promise< RolloutVerdict | undefined > {
	return new Promise( ( resolve, reject ) => {
		let finished = false;
		let controller: AbortController | undefined;
		let checking = Promise.resolve();
		const finish = ( verdict?: RolloutVerdict, error?: unknown ) => {
			if ( finished ) {
				return;
			}
			finished = true;
			clearInterval( timer );
			controller?.abort();
			if ( error ) {
				reject( error );
			} else {
				resolve( verdict );
			}
		};
		const check = () => {
			checking = checking
				.then( context.judge )
				.then( ( verdict ) => verdict && finish( verdict ) )
				.catch( ( error ) => finish( undefined, error ) );
		};
		const timer = setInterval( () => {
			if ( Date.now() >= context.until || context.signal?.aborted ) {
				finish();
			} else {
				check();
			}
		}, context.podCheckMs );
		watch
			.watch(
				path,
				{
					fieldSelector: `metadata.name=${ workload.name }`,
					...( context.resourceVersion
						? { resourceVersion: context.resourceVersion }
						: {} ),
					allowWatchBookmarks: true,
				},
				( type: string, object: V1Deployment & { code?: number } ) => {
					if ( type === 'ERROR' ) {
						if ( object.code === 410 ) {
							context.onExpired();
						}
						finish();
						return;
					}
					context.onDeployment( object );
					if ( type !== 'BOOKMARK' ) {
						check();
					}
				},
				( error: unknown ) =>
					checking.then( () =>
						error ? finish( undefined, error ) : finish()
					)
			)
			.then(
				( abort ) => {
					controller = abort;
					if ( finished ) {
						abort.abort();
					}
				},
				( error: unknown ) => finish( undefined, error )
			);
	} );
}
