import {
	ApiException,
	AppsV1Api,
	CoreV1Api,
	KubeConfig,
	KubernetesObjectApi,
	PatchStrategy,
	Watch,
	type KubernetesObject,
	type V1Deployment,
} from '@kubernetes/client-node';

import {
	rolloutVerdict,
	type RolloutVerdict,
	type WorkloadHealth,
	healthOf,
	replicaCounts,
	type ReplicaCounts,
} from '../cluster/rollout.js';

/** Orbit's name in managedFields: the fields it applies are owned by this manager. */
export const FIELD_MANAGER = 'k8or-orbit';

/** An object to apply: any Kubernetes kind, with its name and (if namespaced) namespace. */
export type ClusterObject = KubernetesObject & {
	apiVersion: string;
	kind: string;
	metadata: { name: string; namespace?: string };
};

export interface WorkloadRef {
	environment: string;
	namespace: string;
	/** The Deployment's name (the app name). */
	name: string;
}

export interface WorkloadState {
	health: WorkloadHealth;
	replicas: ReplicaCounts;
	message?: string;
}

/** A field another manager owns; Orbit never takes it over silently. */
export class FieldManagerConflictError extends Error {
	readonly managers: string[];
	readonly fields: string[];

	constructor(
		object: string,
		managers: string[],
		fields: string[],
		detail: string
	) {
		super(
			`${ object }: fields owned by ${ managers
				.map( ( manager ) => `"${ manager }"` )
				.join( ', ' ) } (${ fields.join( ', ' ) }). ${ detail }`
		);
		this.name = 'FieldManagerConflictError';
		this.managers = managers;
		this.fields = fields;
	}
}

export interface RolloutOptions {
	/** Gives up (the verdict so far is returned as failed) after this long. */
	deadlineMs: number;
	/** Told each new count while the rollout moves. */
	onProgress?: ( replicas: ReplicaCounts ) => void;
	/** How often pods are looked at between Deployment events. */
	podCheckMs?: number;
	signal?: AbortSignal;
}

/** The cluster work of the direct mode, per environment. */
export interface ClusterClient {
	/** Whether `environment` has a cluster context configured. */
	has: ( environment: string ) => boolean;
	/** Server-side applies `objects` in order (namespace first) as `k8or-orbit`. */
	apply: ( environment: string, objects: ClusterObject[] ) => Promise< void >;
	/** Follows the Deployment until the rollout is done or failed. */
	followRollout: (
		workload: WorkloadRef,
		options: RolloutOptions
	) => Promise< RolloutVerdict >;
	/** The workload's live state, for Refresh and the status job. */
	readWorkload: ( workload: WorkloadRef ) => Promise< WorkloadState >;
	/** Deletes `objects` with foreground propagation and waits until they are gone. */
	remove: (
		environment: string,
		objects: ClusterObject[],
		options: { deadlineMs: number }
	) => Promise< void >;
}

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

const sleep = ( ms: number, signal?: AbortSignal ) =>
	new Promise< void >( ( resolve ) => {
		const timer = setTimeout( resolve, ms );
		signal?.addEventListener( 'abort', () => {
			clearTimeout( timer );
			resolve();
		} );
	} );

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

	/**
	 * Watches the Deployment (resuming from the last resourceVersion seen when
	 * the connection drops, re-listing when that version is too old) and looks
	 * at its pods between events, until the verdict is done or failed.
	 */
	async followRollout(
		workload: WorkloadRef,
		options: RolloutOptions
	): Promise< RolloutVerdict > {
		const config = this.config( workload.environment );
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
			const verdict = rolloutVerdict(
				latest,
				await this.pods( config, workload, latest )
			);
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
				const outcome = await this.watchOnce( watch, path, workload, {
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
	private async watchOnce(
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
					(
						type: string,
						object: V1Deployment & StatusBody & { code?: number }
					) => {
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
