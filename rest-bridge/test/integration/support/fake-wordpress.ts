import { createServer, type Server } from 'node:http';
import { verifySignature } from '../../../src/signing/signature.js';
import type { BridgeEvent } from '../../../src/events/event.js';

const ROUTE = '/k8or-orbit/v1/bridge/events';

/**
 * Stands in for the plugin's callback endpoint: checks the signature exactly
 * as the plugin must, applies each (jobId, seq) once, and creates or updates
 * one post per app from `data.app`.
 */
export class FakeWordPress {
	private server: Server | undefined;
	private readonly seenRequestIds = new Set< string >();
	readonly applied = new Map< string, BridgeEvent >();
	readonly deliveries: BridgeEvent[][] = [];
	readonly rejected: string[] = [];
	/** Callbacks to answer 503 before accepting again (WordPress briefly down). */
	unavailableFor = 0;
	unavailableAnswers = 0;
	readonly posts = new Map<
		string,
		{ id: number; updates: number; app: Record< string, unknown > }
	>();

	constructor( private readonly secret: string ) {}

	async start( port: number ): Promise< string > {
		this.server = createServer( ( request, response ) => {
			const chunks: Buffer[] = [];
			request.on( 'data', ( c: Buffer ) => chunks.push( c ) );
			request.on( 'end', () => {
				const url = new URL( request.url ?? '/', 'http://x' );
				const route = url.searchParams.get( 'rest_route' );
				const send = ( status: number, body: unknown ) => {
					response.writeHead( status, {
						'Content-Type': 'application/json',
					} );
					response.end( JSON.stringify( body ) );
				};
				if ( request.method === 'GET' && route === '/' ) {
					send( 200, { name: 'fake' } );
					return;
				}
				if ( route === ROUTE && this.unavailableFor > 0 ) {
					this.unavailableFor--;
					this.unavailableAnswers++;
					send( 503, { code: 'maintenance' } );
					return;
				}
				if ( request.method !== 'POST' || route !== ROUTE ) {
					send( 404, { code: 'rest_no_route' } );
					return;
				}
				const body = Buffer.concat( chunks );
				try {
					const { requestId } = verifySignature( this.secret, {
						method: 'POST',
						path: ROUTE,
						headers: request.headers,
						body,
					} );
					if ( this.seenRequestIds.has( requestId ) ) {
						throw new Error( 'replayed request id' );
					}
					this.seenRequestIds.add( requestId );
				} catch ( error ) {
					this.rejected.push( ( error as Error ).message );
					send( 401, { code: 'orbit_signature_invalid' } );
					return;
				}
				const { events } = JSON.parse( body.toString( 'utf8' ) ) as {
					events: BridgeEvent[];
				};
				this.deliveries.push( events );
				let applied = 0;
				let duplicates = 0;
				let appName = '';
				for ( const event of events ) {
					appName = event.appName;
					const key = `${ event.jobId }:${ event.seq }`;
					if ( this.applied.has( key ) ) {
						duplicates++;
						continue;
					}
					this.applied.set( key, event );
					applied++;
					const app = event.data.app as
						Record< string, unknown > | undefined;
					if ( app ) {
						const post = this.posts.get( event.appName ) ?? {
							id: 100 + this.posts.size,
							updates: 0,
							app,
						};
						post.updates++;
						post.app = app;
						this.posts.set( event.appName, post );
					}
				}
				const post = this.posts.get( appName );
				send( 200, {
					applied,
					duplicates,
					...( post ? { app: { id: post.id, name: appName } } : {} ),
				} );
			} );
		} );
		await new Promise< void >( ( done ) =>
			this.server?.listen( port, '127.0.0.1', done )
		);
		return `http://127.0.0.1:${ port }`;
	}

	eventsOf( jobId: string ): BridgeEvent[] {
		return [ ...this.applied.values() ]
			.filter( ( e ) => e.jobId === jobId )
			.sort( ( a, b ) => a.seq - b.seq );
	}

	async stop() {
		await new Promise< void >( ( done ) =>
			this.server ? this.server.close( () => done() ) : done()
		);
	}
}
