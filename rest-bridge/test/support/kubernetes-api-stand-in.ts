/**
 * A stand-in for the Kubernetes API server: no API server can run on the
 * machines the tests run on, so this HTTP server speaks the subset Orbit
 * uses, with the shapes the real server sends (Status bodies, watch events,
 * managedFields, the deployment controller's conditions and messages).
 *
 * Speaks: discovery of core/v1 and apps/v1; namespaces, services,
 * configmaps, pods and deployments (get, list, watch with resourceVersion,
 * server-side apply with fieldManager/force and conflicts, merge patch as an
 * "Update", delete with propagationPolicy). A simulated deployment controller
 * creates pods and moves Deployment status as kube-controller-manager does.
 *
 * Not modelled: fields dropped from a later apply are not removed; label
 * selectors are equality only; one container per pod is assumed by faults.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
	createServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { parse } from 'yaml';

type KubeObject = {
	apiVersion: string;
	kind: string;
	metadata: Record< string, any >;
	[ field: string ]: any;
};

interface ResourceType {
	prefix: '/api/v1' | '/apis/apps/v1';
	apiVersion: string;
	kind: string;
	plural: string;
	namespaced: boolean;
}

const RESOURCE_TYPES: ResourceType[] = [
	{
		prefix: '/api/v1',
		apiVersion: 'v1',
		kind: 'Namespace',
		plural: 'namespaces',
		namespaced: false,
	},
	{
		prefix: '/api/v1',
		apiVersion: 'v1',
		kind: 'Service',
		plural: 'services',
		namespaced: true,
	},
	{
		prefix: '/api/v1',
		apiVersion: 'v1',
		kind: 'ConfigMap',
		plural: 'configmaps',
		namespaced: true,
	},
	{
		prefix: '/api/v1',
		apiVersion: 'v1',
		kind: 'Pod',
		plural: 'pods',
		namespaced: true,
	},
	{
		prefix: '/apis/apps/v1',
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		plural: 'deployments',
		namespaced: true,
	},
];

/** What a pod of a given image does instead of starting. */
export type PodFault = 'image-pull-error' | 'crash-loop' | 'unschedulable';

interface WatchEvent {
	rv: number;
	type: 'ADDED' | 'MODIFIED' | 'DELETED';
	plural: string;
	object: KubeObject;
}

type Segment = { field: string } | { key: Record< string, unknown > };
type FieldPath = Segment[];

function status(
	code: number,
	reason: string,
	message: string,
	details?: Record< string, unknown >
) {
	return {
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Failure',
		message,
		reason,
		...( details ? { details } : {} ),
		code,
	};
}

const clone = < T >( value: T ): T => structuredClone( value );
const isObject = ( value: unknown ): value is Record< string, any > =>
	typeof value === 'object' && value !== null && ! Array.isArray( value );

/** The list-map key the real schemas declare for the lists Orbit writes. */
function listKey( item: Record< string, unknown > ) {
	if ( 'name' in item ) {
		return { name: item.name };
	}
	if ( 'containerPort' in item ) {
		return {
			containerPort: item.containerPort,
			protocol: item.protocol ?? 'TCP',
		};
	}
	if ( 'port' in item ) {
		return { port: item.port, protocol: item.protocol ?? 'TCP' };
	}
	return undefined;
}

/** The leaf fields an applied object sets, as the apply machinery tracks them. */
function leafPaths( value: unknown, prefix: FieldPath = [] ): FieldPath[] {
	if ( isObject( value ) ) {
		const entries = Object.entries( value );
		if ( ! entries.length ) {
			return [ prefix ];
		}
		return entries.flatMap( ( [ field, child ] ) =>
			leafPaths( child, [ ...prefix, { field } ] )
		);
	}
	if (
		Array.isArray( value ) &&
		value.length &&
		value.every( ( item ) => isObject( item ) && listKey( item ) )
	) {
		return value.flatMap( ( item ) =>
			leafPaths( item, [ ...prefix, { key: listKey( item )! } ] )
		);
	}
	return [ prefix ];
}

function showPath( path: FieldPath ) {
	return path
		.map( ( segment ) =>
			'field' in segment
				? `.${ segment.field }`
				: `[${ Object.entries( segment.key )
						.map(
							( [ name, v ] ) =>
								`${ name }=${ JSON.stringify( v ) }`
						)
						.join( ',' ) }]`
		)
		.join( '' );
}

function valueAt( value: unknown, path: FieldPath ): unknown {
	let current: unknown = value;
	for ( const segment of path ) {
		if ( 'field' in segment ) {
			current = isObject( current )
				? current[ segment.field ]
				: undefined;
		} else {
			current = Array.isArray( current )
				? current.find(
						( item ) =>
							isObject( item ) &&
							JSON.stringify( listKey( item ) ) ===
								JSON.stringify( segment.key )
					)
				: undefined;
		}
	}
	return current;
}

/** FieldsV1, the encoding managedFields use. */
function fieldsV1( paths: FieldPath[] ) {
	const root: Record< string, any > = {};
	for ( const path of paths ) {
		let node = root;
		for ( const segment of path ) {
			const name =
				'field' in segment
					? `f:${ segment.field }`
					: `k:${ JSON.stringify( segment.key ) }`;
			node[ name ] ??= 'key' in segment ? { '.': {} } : {};
			node = node[ name ];
		}
	}
	return root;
}

/** Merges an applied object into the live one; lists with keys merge by key. */
function merge( live: unknown, applied: unknown ): unknown {
	if ( isObject( live ) && isObject( applied ) ) {
		const result: Record< string, unknown > = { ...live };
		for ( const [ field, value ] of Object.entries( applied ) ) {
			result[ field ] =
				value === null ? undefined : merge( live[ field ], value );
		}
		return result;
	}
	if (
		Array.isArray( live ) &&
		Array.isArray( applied ) &&
		applied.every( ( item ) => isObject( item ) && listKey( item ) )
	) {
		const result = [ ...live ];
		for ( const item of applied ) {
			const key = JSON.stringify( listKey( item ) );
			const index = result.findIndex(
				( existing ) =>
					isObject( existing ) &&
					JSON.stringify( listKey( existing ) ) === key
			);
			if ( index >= 0 ) {
				result[ index ] = merge( result[ index ], item );
			} else {
				result.push( item );
			}
		}
		return result;
	}
	return clone( applied );
}

function matchesLabels( object: KubeObject, selector: string | null ) {
	if ( ! selector ) {
		return true;
	}
	return selector.split( ',' ).every( ( term ) => {
		const [ name = '', value ] = term.split( '=' );
		return object.metadata.labels?.[ name ] === value;
	} );
}

function matchesFields( object: KubeObject, selector: string | null ) {
	if ( ! selector ) {
		return true;
	}
	return selector.split( ',' ).every( ( term ) => {
		const [ name, value ] = term.split( '=' );
		if ( name === 'metadata.name' ) {
			return object.metadata.name === value;
		}
		if ( name === 'metadata.namespace' ) {
			return object.metadata.namespace === value;
		}
		return false;
	} );
}

export interface KubernetesApiStandInOptions {
	/** Milliseconds per simulated controller step. */
	tickMs?: number;
	/** Milliseconds one second of a Deployment's progressDeadlineSeconds lasts here. */
	secondMs?: number;
}

export class KubernetesApiStandIn {
	readonly requests: { method: string; path: string }[] = [];
	private readonly server: Server;
	private readonly objects = new Map< string, KubeObject >();
	private readonly history: WatchEvent[] = [];
	private readonly watchers = new Set< {
		plural: string;
		namespace?: string;
		url: URL;
		response: ServerResponse;
	} >();
	private readonly sockets = new Set< Socket >();
	private readonly faults = new Map< string, PodFault >();
	private readonly progressSince = new Map< string, number >();
	private resourceVersion = 100;
	private unavailableUntil = 0;
	private timer?: NodeJS.Timeout;
	private readonly tickMs: number;
	private readonly secondMs: number;
	port = 0;

	constructor( options: KubernetesApiStandInOptions = {} ) {
		this.tickMs = options.tickMs ?? 25;
		this.secondMs = options.secondMs ?? 1000;
		this.server = createServer( ( request, response ) =>
			this.handle( request, response ).catch( ( error ) => {
				response.writeHead( 500 ).end( String( error ) );
			} )
		);
		this.server.on( 'connection', ( socket ) => {
			if ( Date.now() < this.unavailableUntil ) {
				socket.destroy();
				return;
			}
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

	/** A kubeconfig (YAML) with one context per environment, all pointing here. */
	kubeconfig( contexts: string[] ) {
		return [
			'apiVersion: v1',
			'kind: Config',
			'clusters:',
			'- name: stand-in',
			'  cluster:',
			`    server: ${ this.url }`,
			'    insecure-skip-tls-verify: true',
			'users:',
			'- name: orbit',
			'  user:',
			'    token: stand-in-token',
			'contexts:',
			...contexts.flatMap( ( context ) => [
				`- name: ${ context }`,
				'  context:',
				'    cluster: stand-in',
				'    user: orbit',
			] ),
			`current-context: ${ contexts[ 0 ] }`,
			'',
		].join( '\n' );
	}

	/** Pods of this image fail the way `fault` says instead of starting. */
	failImage( image: string, fault: PodFault ) {
		this.faults.set( image, fault );
	}

	/**
	 * The API server goes away: every open connection (the watches among them)
	 * is cut and new connections are refused for `ms`.
	 */
	goAway( ms: number ) {
		this.unavailableUntil = Date.now() + ms;
		for ( const socket of this.sockets ) {
			socket.destroy();
		}
	}

	/**
	 * Another manager changes fields with an update (`kubectl edit`,
	 * `kubectl scale`): it takes them over from whoever owned them.
	 */
	updateAs( manager: string, object: KubeObject ) {
		const type = this.typeOfKind( object.kind );
		return this.apply( type, object, manager, true, 'Update' );
	}

	get( kind: string, namespace: string | undefined, name: string ) {
		const type = this.typeOfKind( kind );
		const object = this.objects.get( this.key( type, namespace, name ) );
		return object ? clone( object ) : undefined;
	}

	list( kind: string, namespace?: string ) {
		const type = this.typeOfKind( kind );
		return [ ...this.objects.values() ]
			.filter(
				( object ) =>
					object.kind === type.kind &&
					( ! namespace || object.metadata.namespace === namespace )
			)
			.map( clone );
	}

	private typeOfKind( kind: string ) {
		const type = RESOURCE_TYPES.find( ( t ) => t.kind === kind );
		if ( ! type ) {
			throw new Error( `The stand-in does not serve ${ kind }` );
		}
		return type;
	}

	private key(
		type: ResourceType,
		namespace: string | undefined,
		name: string
	) {
		return `${ type.plural }/${ type.namespaced ? namespace : '' }/${ name }`;
	}

	private send( response: ServerResponse, code: number, body: unknown ) {
		response.writeHead( code, { 'content-type': 'application/json' } );
		response.end( JSON.stringify( body ) );
	}

	private record(
		type: WatchEvent[ 'type' ],
		resource: ResourceType,
		object: KubeObject
	) {
		const event: WatchEvent = {
			rv: Number( object.metadata.resourceVersion ),
			type,
			plural: resource.plural,
			object: this.visible( object ),
		};
		this.history.push( event );
		for ( const watcher of this.watchers ) {
			if ( this.watchWants( watcher, event ) ) {
				watcher.response.write(
					JSON.stringify( { type, object: event.object } ) + '\n'
				);
			}
		}
	}

	private watchWants(
		watcher: { plural: string; namespace?: string; url: URL },
		event: WatchEvent
	) {
		return (
			watcher.plural === event.plural &&
			( ! watcher.namespace ||
				watcher.namespace === event.object.metadata.namespace ) &&
			matchesLabels(
				event.object,
				watcher.url.searchParams.get( 'labelSelector' )
			) &&
			matchesFields(
				event.object,
				watcher.url.searchParams.get( 'fieldSelector' )
			)
		);
	}

	private store( resource: ResourceType, object: KubeObject ) {
		object.metadata.resourceVersion = String( ++this.resourceVersion );
		const key = this.key(
			resource,
			object.metadata.namespace,
			object.metadata.name
		);
		const existed = this.objects.has( key );
		this.objects.set( key, object );
		this.record( existed ? 'MODIFIED' : 'ADDED', resource, object );
	}

	private remove( resource: ResourceType, object: KubeObject ) {
		this.objects.delete(
			this.key(
				resource,
				object.metadata.namespace,
				object.metadata.name
			)
		);
		object.metadata.resourceVersion = String( ++this.resourceVersion );
		this.record( 'DELETED', resource, object );
	}

	private async readBody( request: IncomingMessage ) {
		const chunks: Buffer[] = [];
		for await ( const chunk of request ) {
			chunks.push( chunk as Buffer );
		}
		return Buffer.concat( chunks ).toString( 'utf8' );
	}

	private route( pathname: string ) {
		const prefix = ( [ '/apis/apps/v1', '/api/v1' ] as const ).find(
			( candidate ) => pathname.startsWith( candidate )
		);
		if ( ! prefix ) {
			return undefined;
		}
		const segments = pathname
			.slice( prefix.length )
			.split( '/' )
			.filter( Boolean )
			.map( decodeURIComponent );
		let namespace: string | undefined;
		let plural: string | undefined;
		let name: string | undefined;
		if ( segments.length === 0 ) {
			return { prefix, discovery: true as const };
		}
		if ( segments[ 0 ] === 'namespaces' && segments.length >= 3 ) {
			[ , namespace, plural, name ] = segments;
		} else {
			[ plural, name ] = segments;
		}
		const type = RESOURCE_TYPES.find(
			( t ) => t.prefix === prefix && t.plural === plural
		);
		return type ? { prefix, type, namespace, name } : undefined;
	}

	private async handle( request: IncomingMessage, response: ServerResponse ) {
		const url = new URL( request.url ?? '/', this.url );
		this.requests.push( {
			method: request.method ?? 'GET',
			path: url.pathname + url.search,
		} );
		if ( request.headers.authorization !== 'Bearer stand-in-token' ) {
			return this.send(
				response,
				401,
				status( 401, 'Unauthorized', 'Unauthorized' )
			);
		}
		const route = this.route( url.pathname );
		if ( ! route ) {
			return this.send(
				response,
				404,
				status(
					404,
					'NotFound',
					'the server could not find the requested resource'
				)
			);
		}
		if ( 'discovery' in route ) {
			return this.send( response, 200, {
				kind: 'APIResourceList',
				apiVersion: 'v1',
				groupVersion: route.prefix === '/api/v1' ? 'v1' : 'apps/v1',
				resources: RESOURCE_TYPES.filter(
					( t ) => t.prefix === route.prefix
				).map( ( t ) => ( {
					name: t.plural,
					singularName: t.kind.toLowerCase(),
					namespaced: t.namespaced,
					kind: t.kind,
					verbs: [
						'create',
						'delete',
						'get',
						'list',
						'patch',
						'update',
						'watch',
					],
				} ) ),
			} );
		}
		const { type, namespace, name } = route;
		const method = request.method ?? 'GET';
		if ( method === 'GET' && ! name ) {
			return url.searchParams.get( 'watch' ) === 'true' ||
				url.searchParams.get( 'watch' ) === '1'
				? this.watch( type, namespace, url, response )
				: this.sendList( type, namespace, url, response );
		}
		if ( ! name ) {
			return this.send(
				response,
				405,
				status(
					405,
					'MethodNotAllowed',
					`the server does not allow this method on the requested resource`
				)
			);
		}
		const key = this.key( type, namespace, name );
		const existing = this.objects.get( key );
		const notFound = () =>
			this.send(
				response,
				404,
				status(
					404,
					'NotFound',
					`${ type.plural }${ type.prefix === '/apis/apps/v1' ? '.apps' : '' } "${ name }" not found`,
					{
						name,
						...( type.prefix === '/apis/apps/v1'
							? { group: 'apps' }
							: {} ),
						kind: type.plural,
					}
				)
			);
		if ( method === 'GET' ) {
			return existing
				? this.send( response, 200, this.visible( existing ) )
				: notFound();
		}
		if ( method === 'DELETE' ) {
			if ( ! existing ) {
				return notFound();
			}
			const text = await this.readBody( request );
			const options = text ? JSON.parse( text ) : {};
			const policy =
				url.searchParams.get( 'propagationPolicy' ) ??
				options.propagationPolicy ??
				'Background';
			return this.send(
				response,
				200,
				this.delete( type, existing, policy )
			);
		}
		if ( method === 'PATCH' ) {
			const contentType = request.headers[ 'content-type' ] ?? '';
			const text = await this.readBody( request );
			if ( type.namespaced && ! this.namespaceExists( namespace ) ) {
				return this.send(
					response,
					404,
					status(
						404,
						'NotFound',
						`namespaces "${ namespace }" not found`,
						{
							name: namespace,
							kind: 'namespaces',
						}
					)
				);
			}
			if ( contentType.startsWith( 'application/apply-patch+yaml' ) ) {
				const manager = url.searchParams.get( 'fieldManager' );
				if ( ! manager ) {
					return this.send(
						response,
						400,
						status(
							400,
							'BadRequest',
							'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
						)
					);
				}
				const applied = parse( text ) as KubeObject;
				applied.metadata = {
					...applied.metadata,
					name,
					...( type.namespaced ? { namespace } : {} ),
				};
				const result = this.apply(
					type,
					applied,
					manager,
					url.searchParams.get( 'force' ) === 'true'
				);
				return 'conflict' in result
					? this.send( response, 409, result.conflict )
					: this.send(
							response,
							existing ? 200 : 201,
							result.object
						);
			}
			return this.send(
				response,
				415,
				status(
					415,
					'UnsupportedMediaType',
					`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`
				)
			);
		}
		return this.send(
			response,
			405,
			status(
				405,
				'MethodNotAllowed',
				'the server does not allow this method on the requested resource'
			)
		);
	}

	private namespaceExists( namespace: string | undefined ) {
		return this.objects.has( `namespaces//${ namespace }` );
	}

	private sendList(
		type: ResourceType,
		namespace: string | undefined,
		url: URL,
		response: ServerResponse
	) {
		const items = [ ...this.objects.values() ].filter(
			( object ) =>
				object.kind === type.kind &&
				( ! namespace || object.metadata.namespace === namespace ) &&
				matchesLabels(
					object,
					url.searchParams.get( 'labelSelector' )
				) &&
				matchesFields( object, url.searchParams.get( 'fieldSelector' ) )
		);
		this.send( response, 200, {
			kind: `${ type.kind }List`,
			apiVersion: type.apiVersion,
			metadata: { resourceVersion: String( this.resourceVersion ) },
			items: items.map( ( item ) => {
				const {
					apiVersion: _v,
					kind: _k,
					...rest
				} = this.visible( item );
				return rest;
			} ),
		} );
	}

	private watch(
		type: ResourceType,
		namespace: string | undefined,
		url: URL,
		response: ServerResponse
	) {
		const watcher = { plural: type.plural, namespace, url, response };
		const since = Number( url.searchParams.get( 'resourceVersion' ) ?? 0 );
		response.writeHead( 200, {
			'content-type': 'application/json',
			'transfer-encoding': 'chunked',
		} );
		const oldest = this.history[ 0 ]?.rv ?? this.resourceVersion;
		if ( since && since < oldest - 1 ) {
			response.end(
				JSON.stringify( {
					type: 'ERROR',
					object: status(
						410,
						'Expired',
						`too old resource version: ${ since } (${ oldest })`
					),
				} ) + '\n'
			);
			return;
		}
		if ( since ) {
			for ( const event of this.history ) {
				if ( event.rv > since && this.watchWants( watcher, event ) ) {
					response.write(
						JSON.stringify( {
							type: event.type,
							object: event.object,
						} ) + '\n'
					);
				}
			}
		} else {
			for ( const object of this.objects.values() ) {
				const event: WatchEvent = {
					rv: 0,
					type: 'ADDED',
					plural: type.plural,
					object,
				};
				if (
					object.kind === type.kind &&
					this.watchWants( watcher, event )
				) {
					response.write(
						JSON.stringify( {
							type: 'ADDED',
							object: this.visible( object ),
						} ) + '\n'
					);
				}
			}
		}
		this.watchers.add( watcher );
		response.on( 'close', () => this.watchers.delete( watcher ) );
	}

	/** Server-side apply: field ownership per manager, conflicts unless forced. */
	private apply(
		type: ResourceType,
		applied: KubeObject,
		manager: string,
		force: boolean,
		operation: 'Apply' | 'Update' = 'Apply'
	): { object: KubeObject } | { conflict: ReturnType< typeof status > } {
		const key = this.key(
			type,
			applied.metadata.namespace,
			applied.metadata.name
		);
		const live = this.objects.get( key );
		const {
			name: _n,
			namespace: _ns,
			...appliedMetadata
		} = applied.metadata;
		const owned = leafPaths( {
			...( Object.keys( appliedMetadata ).length
				? { metadata: appliedMetadata }
				: {} ),
			...Object.fromEntries(
				Object.entries( applied ).filter(
					( [ field ] ) =>
						! [
							'apiVersion',
							'kind',
							'metadata',
							'status',
						].includes( field )
				)
			),
		} );
		const managedFields: any[] = clone(
			live?.metadata.managedFields ?? []
		);
		const conflicts: {
			manager: string;
			apiVersion: string;
			path: string;
		}[] = [];
		for ( const entry of managedFields ) {
			if ( entry.manager === manager || entry.subresource ) {
				continue;
			}
			const theirs: FieldPath[] = entry.paths;
			for ( const path of owned ) {
				const shown = showPath( path );
				if (
					theirs.some( ( p ) => showPath( p ) === shown ) &&
					JSON.stringify( valueAt( live, path ) ) !==
						JSON.stringify( valueAt( applied, path ) )
				) {
					conflicts.push( {
						manager: entry.manager,
						apiVersion: entry.apiVersion,
						path: shown,
					} );
				}
			}
		}
		if ( conflicts.length && ! force ) {
			return { conflict: conflictStatus( conflicts ) };
		}
		const conflicting = new Set( conflicts.map( ( c ) => c.path ) );
		const now = new Date().toISOString().replace( /\.\d+Z$/, 'Z' );
		const others = managedFields
			.filter( ( entry ) => entry.manager !== manager )
			.map( ( entry ) => ( {
				...entry,
				paths: ( entry.paths as FieldPath[] ).filter(
					( p ) => ! conflicting.has( showPath( p ) )
				),
			} ) );
		const mine = {
			manager,
			operation,
			apiVersion: type.apiVersion,
			time: now,
			fieldsType: 'FieldsV1',
			paths: owned,
		};
		const object = merge( live ?? {}, applied ) as KubeObject;
		object.apiVersion = type.apiVersion;
		object.kind = type.kind;
		object.metadata = {
			...object.metadata,
			uid: live?.metadata.uid ?? randomUUID(),
			creationTimestamp: live?.metadata.creationTimestamp ?? now,
			managedFields: [ ...others, mine ],
		};
		if ( type.kind === 'Deployment' ) {
			this.deploymentDefaults( object );
			const specChanged =
				JSON.stringify( live?.spec ) !== JSON.stringify( object.spec );
			object.metadata.generation =
				( live?.metadata.generation ?? 0 ) +
				( specChanged || ! live ? 1 : 0 );
			object.status ??= {};
		} else if ( ! live ) {
			object.metadata.generation =
				type.kind === 'Namespace' ? undefined : 1;
		}
		if ( type.kind === 'Namespace' ) {
			object.spec = { finalizers: [ 'kubernetes' ] };
			object.status = { phase: 'Active' };
		}
		if (
			live &&
			JSON.stringify( this.visible( live ) ) ===
				JSON.stringify( this.visible( object ) )
		) {
			return { object: this.visible( live ) };
		}
		this.store( type, object );
		return { object: this.visible( object ) };
	}

	/** The object as the API shows it: managedFields in FieldsV1. */
	private visible( object: KubeObject ): KubeObject {
		const shown = clone( object );
		shown.metadata.managedFields = (
			object.metadata.managedFields ?? []
		).map( ( { paths, ...entry }: { paths: FieldPath[] } ) => ( {
			...entry,
			fieldsV1: fieldsV1( paths ),
		} ) );
		return shown;
	}

	private deploymentDefaults( deployment: KubeObject ) {
		const spec = deployment.spec;
		spec.replicas ??= 1;
		spec.progressDeadlineSeconds ??= 600;
		spec.revisionHistoryLimit ??= 10;
		spec.strategy ??= {
			type: 'RollingUpdate',
			rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
		};
	}

	private delete( type: ResourceType, object: KubeObject, policy: string ) {
		if ( policy === 'Foreground' && type.kind !== 'Pod' ) {
			object.metadata.deletionTimestamp = new Date().toISOString();
			object.metadata.deletionGracePeriodSeconds = 0;
			object.metadata.finalizers = [ 'foregroundDeletion' ];
			this.store( type, object );
			return this.visible( object );
		}
		this.remove( type, object );
		if ( policy !== 'Orphan' ) {
			for ( const pod of this.podsOf( object ) ) {
				this.remove( this.typeOfKind( 'Pod' ), pod );
			}
		}
		return status( 200, '', '', {
			name: object.metadata.name,
			kind: type.plural,
			uid: object.metadata.uid,
		} );
	}

	private podsOf( owner: KubeObject ) {
		if ( owner.kind === 'Namespace' ) {
			return [ ...this.objects.values() ].filter(
				( o ) => o.metadata.namespace === owner.metadata.name
			);
		}
		if ( owner.kind !== 'Deployment' ) {
			return [];
		}
		return [ ...this.objects.values() ].filter(
			( o ) =>
				o.kind === 'Pod' &&
				o.metadata.namespace === owner.metadata.namespace &&
				o.metadata.labels?.[ 'orbit.stand-in/deployment' ] ===
					owner.metadata.name
		);
	}

	/** One step of the deployment controller, the kubelet and the garbage collector. */
	private controllerTick() {
		if ( Date.now() < this.unavailableUntil ) {
			return;
		}
		const podType = this.typeOfKind( 'Pod' );
		for ( const object of [ ...this.objects.values() ] ) {
			if ( object.metadata.deletionTimestamp ) {
				const dependents = this.podsOf( object );
				const dependent = dependents[ 0 ];
				if ( dependent ) {
					this.remove( this.typeOfKind( dependent.kind ), dependent );
				} else {
					this.remove( this.typeOfKind( object.kind ), object );
				}
				continue;
			}
			if ( object.kind === 'Pod' ) {
				this.kubelet( object, podType );
			}
			if ( object.kind === 'Deployment' ) {
				this.reconcileDeployment( object, podType );
			}
		}
	}

	private kubelet( pod: KubeObject, podType: ResourceType ) {
		const container = pod.spec.containers[ 0 ];
		const fault = this.faults.get( container.image );
		const previous = JSON.stringify( pod.status );
		const started = pod.status.startTime ?? new Date().toISOString();
		if ( fault === 'unschedulable' ) {
			pod.status = {
				phase: 'Pending',
				conditions: [
					{
						type: 'PodScheduled',
						status: 'False',
						reason: 'Unschedulable',
						message:
							'0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
					},
				],
				qosClass: 'Burstable',
			};
		} else if ( fault === 'image-pull-error' ) {
			const backOff = pod.status.containerStatuses?.[ 0 ]?.state?.waiting;
			const waiting =
				backOff?.reason === 'ErrImagePull' ||
				backOff?.reason === 'ImagePullBackOff'
					? {
							reason: 'ImagePullBackOff',
							message: `Back-off pulling image "${ container.image }"`,
						}
					: {
							reason: 'ErrImagePull',
							message: `rpc error: code = NotFound desc = failed to pull and unpack image "${ container.image }": not found`,
						};
			pod.status = this.podStatus( pod, started, false, {
				state: { waiting },
				lastState: {},
				ready: false,
				restartCount: 0,
				started: false,
			} );
		} else if ( fault === 'crash-loop' ) {
			const restarts =
				( pod.status.containerStatuses?.[ 0 ]?.restartCount ?? -1 ) + 1;
			pod.status = this.podStatus( pod, started, false, {
				state: {
					waiting: {
						reason: 'CrashLoopBackOff',
						message: `back-off 10s restarting failed container=${ container.name } pod=${ pod.metadata.name }_${ pod.metadata.namespace }(${ pod.metadata.uid })`,
					},
				},
				lastState: {
					terminated: {
						exitCode: 1,
						reason: 'Error',
						startedAt: started,
						finishedAt: new Date().toISOString(),
					},
				},
				ready: false,
				restartCount: restarts,
				started: false,
			} );
		} else if ( ! pod.status.phase || pod.status.phase === 'Pending' ) {
			pod.status = this.podStatus( pod, started, true, {
				state: { running: { startedAt: new Date().toISOString() } },
				lastState: {},
				ready: true,
				restartCount: 0,
				started: true,
			} );
		}
		if ( JSON.stringify( pod.status ) !== previous ) {
			this.store( podType, pod );
		}
	}

	private podStatus(
		pod: KubeObject,
		startTime: string,
		ready: boolean,
		container: Record< string, unknown >
	) {
		const spec = pod.spec.containers[ 0 ];
		return {
			phase: ready ? 'Running' : 'Pending',
			conditions: [
				{ type: 'Initialized', status: 'True' },
				{
					type: 'Ready',
					status: ready ? 'True' : 'False',
					...( ready
						? {}
						: {
								reason: 'ContainersNotReady',
								message: `containers with unready status: [${ spec.name }]`,
							} ),
				},
				{
					type: 'ContainersReady',
					status: ready ? 'True' : 'False',
				},
				{ type: 'PodScheduled', status: 'True' },
			],
			hostIP: '10.0.0.11',
			podIP: '10.244.1.17',
			startTime,
			containerStatuses: [
				{
					name: spec.name,
					image: spec.image,
					imageID: '',
					...container,
				},
			],
			qosClass: 'Burstable',
		};
	}

	private reconcileDeployment(
		deployment: KubeObject,
		podType: ResourceType
	) {
		const key = this.key(
			this.typeOfKind( 'Deployment' ),
			deployment.metadata.namespace,
			deployment.metadata.name
		);
		const desired: number = deployment.spec.replicas;
		const hash = createHash( 'sha256' )
			.update( JSON.stringify( deployment.spec.template ) )
			.digest( 'hex' )
			.replace( /[0-9]/g, '' )
			.slice( 0, 10 );
		const replicaSet = `${ deployment.metadata.name }-${ hash }`;
		const pods = this.podsOf( deployment );
		const current = pods.filter(
			( pod ) => pod.metadata.labels[ 'pod-template-hash' ] === hash
		);
		const old = pods.filter(
			( pod ) => pod.metadata.labels[ 'pod-template-hash' ] !== hash
		);
		const ready = ( pod: KubeObject ) =>
			pod.status?.conditions?.some(
				( c: any ) => c.type === 'Ready' && c.status === 'True'
			);
		const before = JSON.stringify( deployment.status );
		const observed = deployment.status;
		const now = new Date().toISOString().replace( /\.\d+Z$/, 'Z' );
		const condition = (
			type: string,
			value: string,
			reason: string,
			message: string
		) => {
			const existing = ( observed.conditions ?? [] ).find(
				( c: any ) => c.type === type
			);
			const changed = ! existing || existing.status !== value;
			const next = {
				type,
				status: value,
				lastUpdateTime:
					existing?.reason === reason ? existing.lastUpdateTime : now,
				lastTransitionTime: changed ? now : existing.lastTransitionTime,
				reason,
				message,
			};
			observed.conditions = [
				...( observed.conditions ?? [] ).filter(
					( c: any ) => c.type !== type
				),
				next,
			].sort( ( a: any, b: any ) => ( a.type < b.type ? -1 : 1 ) );
		};

		if ( observed.observedGeneration !== deployment.metadata.generation ) {
			observed.observedGeneration = deployment.metadata.generation;
			this.progressSince.set( key, Date.now() );
			condition(
				'Progressing',
				'True',
				current.length ? 'ReplicaSetUpdated' : 'NewReplicaSetCreated',
				current.length
					? `ReplicaSet "${ replicaSet }" is progressing.`
					: `Created new replica set "${ replicaSet }"`
			);
		} else if ( current.length < desired ) {
			const pod: KubeObject = {
				apiVersion: 'v1',
				kind: 'Pod',
				metadata: {
					name: `${ replicaSet }-${ randomUUID()
						.replace( /[^a-z]/g, '' )
						.slice( 0, 5 ) }`,
					namespace: deployment.metadata.namespace,
					uid: randomUUID(),
					creationTimestamp: now,
					generateName: `${ replicaSet }-`,
					labels: {
						...deployment.spec.template.metadata?.labels,
						'pod-template-hash': hash,
						'orbit.stand-in/deployment': deployment.metadata.name,
					},
					ownerReferences: [
						{
							apiVersion: 'apps/v1',
							kind: 'ReplicaSet',
							name: replicaSet,
							uid: randomUUID(),
							controller: true,
							blockOwnerDeletion: true,
						},
					],
				},
				spec: clone( deployment.spec.template.spec ),
				status: { phase: 'Pending', qosClass: 'Burstable' },
			};
			this.store( podType, pod );
		} else if ( current.length > desired ) {
			this.remove( podType, current[ current.length - 1 ]! );
		} else if ( old[ 0 ] && current.filter( ready ).length > 0 ) {
			this.remove( podType, old[ 0 ] );
		}

		const all = this.podsOf( deployment );
		const updated = all.filter(
			( pod ) => pod.metadata.labels[ 'pod-template-hash' ] === hash
		);
		const readyCount = all.filter( ready ).length;
		observed.replicas = all.length;
		observed.updatedReplicas = updated.length;
		observed.readyReplicas = readyCount || undefined;
		observed.availableReplicas = readyCount || undefined;
		observed.unavailableReplicas =
			Math.max( desired, all.length ) - readyCount || undefined;
		const maxUnavailable = Math.floor( desired * 0.25 );
		if ( readyCount >= desired - maxUnavailable ) {
			condition(
				'Available',
				'True',
				'MinimumReplicasAvailable',
				'Deployment has minimum availability.'
			);
		} else {
			condition(
				'Available',
				'False',
				'MinimumReplicasUnavailable',
				'Deployment does not have minimum availability.'
			);
		}
		const complete =
			updated.length === desired &&
			all.length === desired &&
			updated.filter( ready ).length === desired;
		const progressing = ( observed.conditions ?? [] ).find(
			( c: any ) => c.type === 'Progressing'
		);
		if ( complete ) {
			condition(
				'Progressing',
				'True',
				'NewReplicaSetAvailable',
				`ReplicaSet "${ replicaSet }" has successfully progressed.`
			);
		} else if (
			progressing?.reason !== 'ProgressDeadlineExceeded' &&
			Date.now() - ( this.progressSince.get( key ) ?? Date.now() ) >
				deployment.spec.progressDeadlineSeconds * this.secondMs
		) {
			condition(
				'Progressing',
				'False',
				'ProgressDeadlineExceeded',
				`ReplicaSet "${ replicaSet }" has timed out progressing.`
			);
		}
		for ( const field of Object.keys( observed ) ) {
			if ( observed[ field ] === undefined ) {
				delete observed[ field ];
			}
		}
		if ( JSON.stringify( observed ) !== before ) {
			this.store( this.typeOfKind( 'Deployment' ), deployment );
		}
	}
}

/** The 409 the API server answers when an apply touches fields another manager owns. */
function conflictStatus(
	conflicts: { manager: string; apiVersion: string; path: string }[]
) {
	const byManager = new Map< string, typeof conflicts >();
	for ( const conflict of conflicts ) {
		const list = byManager.get( conflict.manager ) ?? [];
		list.push( conflict );
		byManager.set( conflict.manager, list );
	}
	const count = conflicts.length;
	const parts = [ ...byManager.entries() ].map( ( [ manager, list ] ) =>
		list.length === 1
			? `conflict with "${ manager }" using ${ list[ 0 ]!.apiVersion }: ${ list[ 0 ]!.path }`
			: `conflicts with "${ manager }" using ${ list[ 0 ]!.apiVersion }:\n${ list
					.map( ( c ) => `- ${ c.path }` )
					.join( '\n' ) }`
	);
	return status(
		409,
		'Conflict',
		`Apply failed with ${ count } conflict${ count === 1 ? '' : 's' }: ${ parts.join( '\n' ) }`,
		{
			causes: conflicts.map( ( c ) => ( {
				reason: 'FieldManagerConflict',
				message: `conflict with "${ c.manager }" using ${ c.apiVersion }`,
				field: c.path,
			} ) ),
		}
	);
}
