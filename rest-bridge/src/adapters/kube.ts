import {
	ApiException,
	AppsV1Api,
	CoreV1Api,
	KubeConfig,
	KubernetesObjectApi,
	PatchStrategy,
	type V1Deployment,
} from '@kubernetes/client-node';

import {
	rolloutVerdict,
	type RolloutVerdict,
	healthOf,
} from '../cluster/rollout.js';
import {
	FIELD_MANAGER,
	FieldManagerConflictError,
	type ClusterClient,
	type ClusterObject,
	type RolloutOptions,
	type WorkloadRef,
	type WorkloadState,
} from './cluster-client.js';
import { followDeploymentRollout, sleep } from './kube-rollout-watch.js';

interface StatusBody {
	message?: string;
	reason?: string;
	details?: {
		causes?: { reason?: string; message?: string; field?: string }[];
	};
}

function statusBody( error: unknown ): StatusBody | undefined {
	if ( ! ( error instanceof ApiException ) ) {
		return undefined;
	}
	const body: unknown = error.body;
	if ( typeof body === 'string' ) {
		try {
			return JSON.parse( body ) as StatusBody;
		} catch {
			return { message: body };
		}
	}
	return body as StatusBody;
}

const isNotFound = ( error: unknown ) =>
	error instanceof ApiException && error.code === 404;

function label( object: ClusterObject ) {
	return `${ object.kind } ${ object.metadata.namespace ? `${ object.metadata.namespace }/` : '' }${ object.metadata.name }`;
}

/**
 * Talks to each environment's cluster through `@kubernetes/client-node`,
 * with the kubeconfig file and one context per environment.
 */
export class KubernetesClusters implements ClusterClient {
	private readonly configs = new Map< string, KubeConfig >();

	constructor(
		private readonly options: {
			/** The kubeconfig file; config.ts requires it when there are contexts. */
			kubeconfigPath?: string;
			/** environment → kubeconfig context */
			contexts: Record< string, string >;
		}
	) {}

	has( environment: string ) {
		return (
			environment in this.options.contexts &&
			Boolean( this.options.kubeconfigPath )
		);
	}

	private config( environment: string ) {
		let config = this.configs.get( environment );
		if ( ! config ) {
			const context = this.options.contexts[ environment ];
			if ( ! context ) {
				throw new Error(
					`Environment ${ environment } has no Kubernetes context configured.`
				);
			}
			if ( ! this.options.kubeconfigPath ) {
				throw new Error( 'KUBECONFIG is not set.' );
			}
			config = new KubeConfig();
			config.loadFromFile( this.options.kubeconfigPath );
			config.setCurrentContext( context );
			this.configs.set( environment, config );
		}
		return config;
	}

	async apply( environment: string, objects: ClusterObject[] ) {
		const api = KubernetesObjectApi.makeApiClient(
			this.config( environment )
		);
		for ( const object of objects ) {
			try {
				await api.patch(
					object,
					undefined,
					undefined,
					FIELD_MANAGER,
					false,
					PatchStrategy.ServerSideApply
				);
			} catch ( error ) {
				const body = statusBody( error );
				const causes = ( body?.details?.causes ?? [] ).filter(
					( cause ) => cause.reason === 'FieldManagerConflict'
				);
				if ( causes.length ) {
					const managers = [
						...new Set(
							causes.map(
								( cause ) =>
									/"([^"]+)"/.exec(
										cause.message ?? ''
									)?.[ 1 ] ?? 'another manager'
							)
						),
					];
					throw new FieldManagerConflictError(
						label( object ),
						managers,
						causes.map( ( cause ) => cause.field ?? '' ),
						"Remove the other manager's changes or hand the fields to Orbit, then deploy again."
					);
				}
				throw error;
			}
		}
	}

	async readWorkload( workload: WorkloadRef ): Promise< WorkloadState > {
		const config = this.config( workload.environment );
		let deployment: V1Deployment;
		try {
			deployment = await config
				.makeApiClient( AppsV1Api )
				.readNamespacedDeployment( {
					name: workload.name,
					namespace: workload.namespace,
				} );
		} catch ( error ) {
			if ( isNotFound( error ) ) {
				return {
					health: 'Missing',
					replicas: {
						desired: 0,
						updated: 0,
						ready: 0,
						available: 0,
					},
					message: `Deployment ${ workload.namespace }/${ workload.name } is not in the cluster.`,
				};
			}
			throw error;
		}
		const verdict = rolloutVerdict(
			deployment,
			await this.pods( config, workload, deployment )
		);
		return {
			health: healthOf( verdict ),
			replicas: verdict.replicas,
			...( verdict.state === 'done' ? {} : { message: verdict.message } ),
		};
	}

	private async pods(
		config: KubeConfig,
		workload: WorkloadRef,
		deployment: V1Deployment
	) {
		const labels = deployment.spec?.selector?.matchLabels ?? {};
		const selector = Object.entries( labels )
			.map( ( [ key, value ] ) => `${ key }=${ value }` )
			.join( ',' );
		const list = await config
			.makeApiClient( CoreV1Api )
			.listNamespacedPod( {
				namespace: workload.namespace,
				labelSelector: selector || undefined,
			} );
		return list.items;
	}

	followRollout(
		workload: WorkloadRef,
		options: RolloutOptions
	): Promise< RolloutVerdict > {
		const config = this.config( workload.environment );
		return followDeploymentRollout(
			config,
			workload,
			options,
			( deployment ) => this.pods( config, workload, deployment )
		);
	}

	async remove(
		environment: string,
		objects: ClusterObject[],
		options: { deadlineMs: number }
	) {
		const api = KubernetesObjectApi.makeApiClient(
			this.config( environment )
		);
		for ( const object of objects ) {
			try {
				await api.delete(
					object,
					undefined,
					undefined,
					undefined,
					undefined,
					'Foreground'
				);
			} catch ( error ) {
				if ( ! isNotFound( error ) ) {
					throw error;
				}
			}
		}
		const until = Date.now() + options.deadlineMs;
		for ( const object of objects ) {
			for ( let waitMs = 100; ; waitMs = Math.min( waitMs * 2, 2000 ) ) {
				try {
					await api.read( object );
				} catch ( error ) {
					if ( isNotFound( error ) ) {
						break;
					}
					throw error;
				}
				if ( Date.now() > until ) {
					throw new Error(
						`${ label( object ) } is still being deleted after ${ Math.round(
							options.deadlineMs / 1000
						) } s; its finalizers have not finished.`
					);
				}
				await sleep( waitMs );
			}
		}
	}
}
