/**
 * A stand-in for the Argo CD API server: Argo CD cannot run on the machines
 * the tests run on, so this HTTP server speaks the part of Argo CD's REST API
 * (the grpc-gateway of `argocd-server`) Orbit uses, with the bodies Argo CD
 * sends: `GET`/`PUT /api/v1/applications/{name}`, `POST
 * /api/v1/applications/{name}/sync`, the stream `GET
 * /api/v1/stream/applications?name=` (one `{"result": {"type",
 * "application"}}` per line) and gRPC-status errors (`{"error", "code",
 * "message"}`). A simulated application controller moves a sync through
 * Running → Synced/Progressing → Healthy, or into a fault.
 *
 * It also renders the body Argo CD Notifications posts with the template
 * Orbit documents (docs/argocd-notifications.md).
 */
import { randomUUID } from 'node:crypto';
import {
	createServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

type Json = Record< string, any >;

export interface ManagedResource {
	group?: string;
	version: string;
	kind: string;
	namespace: string;
	name: string;
}

/** What the controller does with the next sync of an application. */
export type SyncFault =
	| { kind: 'degraded'; resource: string; message: string }
	| { kind: 'sync-failed'; resource: string; message: string }
	| { kind: 'no-answer' };

const TOKEN = 'stand-in-argocd-token';

/** gRPC status codes, as argocd-server maps them to HTTP. */
const GRPC = {
	notFound: { http: 404, code: 5 },
	unauthenticated: { http: 401, code: 16 },
	failedPrecondition: { http: 400, code: 9 },
	invalidArgument: { http: 400, code: 3 },
};

function now() {
	return new Date().toISOString().replace( /\.\d+Z$/, 'Z' );
}

function resourceLabel( resource: ManagedResource ) {
	return `${ resource.kind }/${ resource.name }`;
}

export class ArgoCdApiStandIn {
	readonly token = TOKEN;
	readonly syncRequests: Json[] = [];
	private readonly server: Server;
	private readonly applications = new Map< string, Json >();
	private readonly streams = new Set< {
		name: string;
		response: ServerResponse;
	} >();
	private readonly sockets = new Set< Socket >();
	private readonly faults = new Map< string, SyncFault >();
	private readonly pending = new Map< string, number >();
	private resourceVersion = 5000;
	private held = false;
	private timer?: NodeJS.Timeout;
	port = 0;

	constructor( private readonly tickMs = 40 ) {
		this.server = createServer( ( request, response ) =>
			this.handle( request, response ).catch( ( error ) =>
				response.writeHead( 500 ).end( String( error ) )
			)
		);
		this.server.on( 'connection', ( socket ) => {
			this.sockets.add( socket );
			socket.on( 'close', () => this.sockets.delete( socket ) );
		} );
	}

	get url() {
		return `http://127.0.0.1:${ this.port }`;
	}

	async start() {
		await new Promise< void >( ( resolve ) =>
			this.server.listen( 0, '127.0.0.1', resolve )
		);
		this.port = ( this.server.address() as { port: number } ).port;
		this.timer = setInterval( () => this.controllerTick(), this.tickMs );
		return this;
	}

	async stop() {
		clearInterval( this.timer );
		for ( const socket of this.sockets ) {
			socket.destroy();
		}
		await new Promise( ( resolve ) => this.server.close( resolve ) );
	}

	/**
	 * An Application as `kubectl apply` of its manifest leaves it, with the
	 * resources its source path renders, synced to `revision`.
	 */
	addApplication(
		manifest: Json,
		resources: ManagedResource[],
		revision: string
	) {
		const name = manifest.metadata.name;
		const application: Json = {
			metadata: {
				name,
				namespace: manifest.metadata.namespace ?? 'argocd',
				uid: randomUUID(),
				resourceVersion: String( ++this.resourceVersion ),
				generation: 1,
				creationTimestamp: now(),
			},
			spec: structuredClone( manifest.spec ),
			status: {
				resources: resources.map( ( resource ) => ( {
					...resource,
					status: 'Synced',
					health: { status: 'Healthy' },
				} ) ),
				sync: {
					status: 'Synced',
					comparedTo: {
						source: manifest.spec.source,
						destination: manifest.spec.destination,
					},
					revision,
				},
				health: { status: 'Healthy' },
				history: [],
				reconciledAt: now(),
				sourceType: 'Kustomize',
				summary: {},
				controllerNamespace: 'argocd',
			},
		};
		this.applications.set( name, application );
	}

	/** Running syncs stay Running until `resume()`, so a test sees them in flight. */
	hold() {
		this.held = true;
	}

	resume() {
		this.held = false;
	}

	/** The next sync of `name` ends the way `fault` says. */
	failNextSync( name: string, fault: SyncFault ) {
		this.faults.set( name, fault );
	}

	/**
	 * Something Orbit did not start: a resource of an already synced
	 * application turns Degraded (a pod crash-looping an hour later).
	 */
	degrade( name: string, resourceName: string, message: string ) {
		const application = this.mustGet( name );
		for ( const resource of application.status.resources ) {
			if ( resourceLabel( resource ) === resourceName ) {
				resource.health = { status: 'Degraded', message };
			}
		}
		application.status.health = { status: 'Degraded' };
		this.changed( application );
	}

	application( name: string ) {
		return structuredClone( this.mustGet( name ) );
	}

	/**
	 * The body Argo CD Notifications posts for `trigger` with the webhook
	 * template of docs/argocd-notifications.md, rendered from the
	 * application as it stands.
	 */
	notificationBody( name: string, trigger: string ) {
		const app = this.mustGet( name );
		return {
			trigger,
			application: app.metadata.name,
			namespace: app.metadata.namespace,
			revision: app.status.sync.revision,
			sync: app.status.sync.status,
			health: app.status.health.status,
			operationPhase: app.status.operationState?.phase ?? '',
			operationMessage: app.status.operationState?.message ?? '',
			resources: app.status.resources,
			reconciledAt: app.status.reconciledAt,
		};
	}

	private mustGet( name: string ) {
		const application = this.applications.get( name );
		if ( ! application ) {
			throw new Error( `No application ${ name } in the stand-in` );
		}
		return application;
	}

	private changed( application: Json ) {
		application.metadata.resourceVersion = String( ++this.resourceVersion );
		application.status.reconciledAt = now();
		for ( const stream of this.streams ) {
			if ( stream.name === application.metadata.name ) {
				stream.response.write(
					JSON.stringify( {
						result: { type: 'MODIFIED', application },
					} ) + '\n'
				);
			}
		}
	}

	private send( response: ServerResponse, code: number, body: unknown ) {
		response.writeHead( code, { 'content-type': 'application/json' } );
		response.end( JSON.stringify( body ) );
	}

	private error(
		response: ServerResponse,
		status: { http: number; code: number },
		message: string
	) {
		this.send( response, status.http, {
			error: message,
			code: status.code,
			message,
		} );
	}

	private async body( request: IncomingMessage ): Promise< Json > {
		const chunks: Buffer[] = [];
		for await ( const chunk of request ) {
			chunks.push( chunk as Buffer );
		}
		const text = Buffer.concat( chunks ).toString( 'utf8' );
		return text ? JSON.parse( text ) : {};
	}

	private async handle( request: IncomingMessage, response: ServerResponse ) {
		const url = new URL( request.url ?? '/', this.url );
		if ( request.headers.authorization !== `Bearer ${ TOKEN }` ) {
			return this.error(
				response,
				GRPC.unauthenticated,
				'invalid session: token signature is invalid'
			);
		}
		if (
			request.method === 'GET' &&
			url.pathname === '/api/v1/stream/applications'
		) {
			const name = url.searchParams.get( 'name' ) ?? '';
			response.writeHead( 200, { 'content-type': 'application/json' } );
			const application = this.applications.get( name );
			if ( application ) {
				response.write(
					JSON.stringify( {
						result: { type: 'ADDED', application },
					} ) + '\n'
				);
			}
			const stream = { name, response };
			this.streams.add( stream );
			response.on( 'close', () => this.streams.delete( stream ) );
			return;
		}
		const match = /^\/api\/v1\/applications\/([^/]+)(\/sync)?$/.exec(
			url.pathname
		);
		if ( ! match ) {
			return this.error( response, GRPC.notFound, 'Not Found' );
		}
		const name = decodeURIComponent( match[ 1 ] ?? '' );
		const application = this.applications.get( name );
		const missing = () =>
			this.error(
				response,
				GRPC.notFound,
				`applications.argoproj.io "${ name }" not found`
			);
		if ( request.method === 'GET' && ! match[ 2 ] ) {
			return application
				? this.send( response, 200, application )
				: missing();
		}
		if ( request.method === 'PUT' && ! match[ 2 ] ) {
			const update = await this.body( request );
			if ( ! application ) {
				return missing();
			}
			application.spec = update.spec;
			application.metadata.generation += 1;
			this.changed( application );
			return this.send( response, 200, application );
		}
		if ( request.method === 'POST' && match[ 2 ] ) {
			const sync = await this.body( request );
			if ( ! application ) {
				return missing();
			}
			this.syncRequests.push( { name, ...sync } );
			if ( application.status.operationState?.phase === 'Running' ) {
				return this.error(
					response,
					GRPC.failedPrecondition,
					'another operation is already in progress'
				);
			}
			const revision = String( sync.revision ?? '' );
			application.operation = {
				sync: { revision, prune: Boolean( sync.prune ) },
				initiatedBy: { username: 'orbit' },
				retry: {},
			};
			if ( this.faults.get( name )?.kind !== 'no-answer' ) {
				application.status.operationState = {
					operation: application.operation,
					phase: 'Running',
					message: 'one or more tasks are running',
					startedAt: now(),
				};
				this.pending.set( name, 0 );
			}
			this.changed( application );
			return this.send( response, 200, application );
		}
		return this.error(
			response,
			GRPC.invalidArgument,
			'Method Not Allowed'
		);
	}

	/** The application controller: one step of each running sync per tick. */
	private controllerTick() {
		if ( this.held ) {
			return;
		}
		for ( const [ name, step ] of this.pending ) {
			const application = this.mustGet( name );
			const fault = this.faults.get( name );
			const state = application.status.operationState;
			const revision = state.operation.sync.revision;
			const resources: Json[] = application.status.resources;
			this.pending.set( name, step + 1 );
			if ( step === 0 ) {
				if ( fault?.kind === 'sync-failed' ) {
					for ( const resource of resources ) {
						resource.status =
							resourceLabel( resource as ManagedResource ) ===
							fault.resource
								? 'OutOfSync'
								: 'Synced';
					}
					application.status.sync = {
						...application.status.sync,
						status: 'OutOfSync',
						revision,
					};
					state.phase = 'Failed';
					state.message = `one or more objects failed to apply, reason: ${ fault.message }`;
					state.finishedAt = now();
					state.syncResult = this.syncResult(
						resources,
						revision,
						fault
					);
					delete application.operation;
					this.pending.delete( name );
					this.faults.delete( name );
				} else {
					for ( const resource of resources ) {
						resource.status = 'Synced';
						resource.health =
							resource.kind === 'Deployment'
								? {
										status: 'Progressing',
										message:
											'Waiting for rollout to finish: 0 of 1 updated replicas are available...',
									}
								: { status: 'Healthy' };
					}
					application.status.sync = {
						...application.status.sync,
						status: 'Synced',
						revision,
					};
					application.status.health = { status: 'Progressing' };
				}
			} else if ( step === 1 ) {
				const degraded = fault?.kind === 'degraded' ? fault : undefined;
				for ( const resource of resources ) {
					resource.health =
						degraded &&
						resourceLabel( resource as ManagedResource ) ===
							degraded.resource
							? { status: 'Degraded', message: degraded.message }
							: { status: 'Healthy' };
				}
				application.status.health = {
					status: degraded ? 'Degraded' : 'Healthy',
				};
				state.phase = 'Succeeded';
				state.message = 'successfully synced (all tasks run)';
				state.finishedAt = now();
				state.syncResult = this.syncResult( resources, revision );
				application.status.history.push( {
					revision,
					deployedAt: state.finishedAt,
					id: application.status.history.length,
					source: application.spec.source,
					deployStartedAt: state.startedAt,
					initiatedBy: { username: 'orbit' },
				} );
				delete application.operation;
				this.pending.delete( name );
				this.faults.delete( name );
			}
			this.changed( application );
		}
	}

	private syncResult(
		resources: Json[],
		revision: string,
		failure?: { resource: string; message: string }
	) {
		return {
			resources: resources.map( ( resource ) => {
				const failed =
					failure &&
					resourceLabel( resource as ManagedResource ) ===
						failure.resource;
				return {
					group: resource.group ?? '',
					version: resource.version,
					kind: resource.kind,
					namespace: resource.namespace,
					name: resource.name,
					status: failed ? 'SyncFailed' : 'Synced',
					message: failed
						? failure.message
						: `${ resource.kind.toLowerCase() }${
								resource.group ? `.${ resource.group }` : ''
							}/${ resource.name } configured`,
					hookPhase: failed ? 'Failed' : 'Running',
					syncPhase: 'Sync',
				};
			} ),
			revision,
		};
	}
}
