import {
	syncVerdict,
	type AppSelector,
	type ApplicationView,
	type SyncVerdict,
} from '../cluster/argocd-status.js';

/** Where an environment's Argo CD is and which Application holds it. */
export interface ArgoCdTarget {
	url: string;
	token: string;
	application: string;
	/** How long a sync may take before the deploy fails. */
	deadlineMs: number;
}

export interface SyncRequest {
	environment: string;
	app: AppSelector;
	/** The GitOps commit to sync to. */
	revision: string;
	/** Told each new verdict while Argo CD works (syncing → deployed). */
	onProgress?: ( verdict: SyncVerdict ) => void;
	signal?: AbortSignal;
}

/** The GitOps mode's view of Argo CD, per environment. */
export interface GitOpsController {
	has: ( environment: string ) => boolean;
	/** The Application an environment is synced by. */
	applicationOf: ( environment: string ) => string;
	/** Asks Argo CD to sync the commit, then follows it until it is deployed, degraded or failed. */
	syncAndFollow: ( request: SyncRequest ) => Promise< SyncVerdict >;
	/** The app's state as Argo CD reports it now. */
	read: ( environment: string, app: AppSelector ) => Promise< SyncVerdict >;
}

export class ArgoCdError extends Error {
	constructor(
		message: string,
		readonly status: number
	) {
		super( message );
		this.name = 'ArgoCdError';
	}
}

const sleep = ( ms: number, signal?: AbortSignal ) =>
	new Promise< void >( ( resolve ) => {
		const timer = setTimeout( resolve, ms );
		signal?.addEventListener( 'abort', () => {
			clearTimeout( timer );
			resolve();
		} );
	} );

/** The largest stream line accepted (an Application with many resources). */
const MAX_STREAM_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Argo CD's REST API (argocd-server's gateway): `POST
 * /api/v1/applications/{name}/sync` to start, then the application stream
 * (`/api/v1/stream/applications?name=`), falling back to polling `GET
 * /api/v1/applications/{name}` with back-off when the stream drops.
 */
export class ArgoCdClient implements GitOpsController {
	constructor( private readonly targets: Record< string, ArgoCdTarget > ) {}

	has( environment: string ) {
		return environment in this.targets;
	}

	applicationOf( environment: string ) {
		return this.target( environment ).application;
	}

	private target( environment: string ) {
		const target = this.targets[ environment ];
		if ( ! target ) {
			throw new Error(
				`Environment ${ environment } has no Argo CD configured.`
			);
		}
		return target;
	}

	private async call(
		target: ArgoCdTarget,
		path: string,
		init: RequestInit = {}
	): Promise< Response > {
		const response = await fetch( new URL( path, target.url ), {
			...init,
			headers: {
				authorization: `Bearer ${ target.token }`,
				'content-type': 'application/json',
				...init.headers,
			},
		} );
		if ( ! response.ok ) {
			const text = await response.text();
			let message = text;
			try {
				message =
					( JSON.parse( text ) as { message?: string } ).message ??
					text;
			} catch {}
			throw new ArgoCdError(
				`Argo CD answered ${ response.status } to ${ init.method ?? 'GET' } ${ path }: ${ message.slice( 0, 500 ) }`,
				response.status
			);
		}
		return response;
	}

	private applicationPath( target: ArgoCdTarget ) {
		return `/api/v1/applications/${ encodeURIComponent( target.application ) }`;
	}

	async read( environment: string, app: AppSelector ) {
		const target = this.target( environment );
		const response = await this.call(
			target,
			this.applicationPath( target )
		);
		return syncVerdict( ( await response.json() ) as ApplicationView, app );
	}

	async syncAndFollow( request: SyncRequest ): Promise< SyncVerdict > {
		const target = this.target( request.environment );
		const until = Date.now() + target.deadlineMs;
		const deadline = AbortSignal.timeout( target.deadlineMs );
		const signal = request.signal
			? AbortSignal.any( [ request.signal, deadline ] )
			: deadline;
		await this.startSync( target, request.revision );
		let last: SyncVerdict | undefined;
		const judge = ( application: ApplicationView ) => {
			const verdict = syncVerdict(
				application,
				request.app,
				request.revision
			);
			if ( JSON.stringify( verdict ) !== JSON.stringify( last ) ) {
				last = verdict;
				request.onProgress?.( verdict );
			}
			return verdict.state === 'syncing' ? undefined : verdict;
		};
		let pollMs = 500;
		while ( Date.now() < until && ! signal.aborted ) {
			try {
				const settled = await this.followStream(
					target,
					judge,
					signal
				);
				if ( settled ) {
					return settled;
				}
			} catch {
				// The stream is not available (a proxy that buffers, a restart):
				// poll the application until it comes back.
			}
			if ( signal.aborted ) {
				break;
			}
			try {
				const response = await this.call(
					target,
					this.applicationPath( target ),
					{
						signal,
					}
				);
				const settled = judge(
					( await response.json() ) as ApplicationView
				);
				if ( settled ) {
					return settled;
				}
			} catch ( error ) {
				if (
					error instanceof ArgoCdError &&
					error.status < 500 &&
					error.status !== 429
				) {
					throw error;
				}
			}
			await sleep( pollMs, signal );
			pollMs = Math.min( pollMs * 2, 15_000 );
		}
		if ( request.signal?.aborted ) {
			throw new Error( 'Following the Argo CD sync was cancelled.' );
		}
		return {
			state: 'failed',
			health: last?.health ?? 'Progressing',
			revision: last?.revision,
			message: `Argo CD did not sync commit ${ request.revision.slice(
				0,
				12
			) } within ${ Math.round( target.deadlineMs / 60_000 ) } min${
				last?.state === 'syncing' ? ` (last: ${ last.message })` : ''
			}.`,
		};
	}

	private async startSync( target: ArgoCdTarget, revision: string ) {
		for ( let attempt = 0; ; attempt++ ) {
			try {
				await this.call(
					target,
					`${ this.applicationPath( target ) }/sync`,
					{
						method: 'POST',
						body: JSON.stringify( {
							name: target.application,
							revision,
							prune: true,
						} ),
					}
				);
				return;
			} catch ( error ) {
				// An operation already running (an automated sync of the same
				// push, most often) is followed instead of started again.
				if (
					error instanceof ArgoCdError &&
					/another operation is already in progress/.test(
						error.message
					)
				) {
					return;
				}
				if (
					attempt >= 3 ||
					( error instanceof ArgoCdError && error.status < 500 )
				) {
					throw error;
				}
				await sleep( 500 * 2 ** attempt );
			}
		}
	}

	/** Reads the stream until `judge` settles or the stream ends (undefined). */
	private async followStream(
		target: ArgoCdTarget,
		judge: ( application: ApplicationView ) => SyncVerdict | undefined,
		signal: AbortSignal
	): Promise< SyncVerdict | undefined > {
		const response = await this.call(
			target,
			`/api/v1/stream/applications?name=${ encodeURIComponent( target.application ) }`,
			{ signal }
		);
		if ( ! response.body ) {
			return undefined;
		}
		const reader = response.body.getReader();
		const decoder = new TextDecoder();
		let buffered = '';
		try {
			for (;;) {
				const { value, done } = await reader.read();
				if ( done ) {
					return undefined;
				}
				buffered += decoder.decode( value, { stream: true } );
				if ( buffered.length > MAX_STREAM_LINE_BYTES ) {
					throw new Error(
						'An Argo CD stream event is larger than accepted.'
					);
				}
				let newline: number;
				while ( ( newline = buffered.indexOf( '\n' ) ) >= 0 ) {
					const line = buffered.slice( 0, newline ).trim();
					buffered = buffered.slice( newline + 1 );
					if ( ! line ) {
						continue;
					}
					const event = JSON.parse( line ) as {
						result?: { application?: ApplicationView };
						error?: { message?: string };
					};
					if ( event.error ) {
						throw new Error(
							event.error.message ?? 'Argo CD stream error'
						);
					}
					const application = event.result?.application;
					const settled = application && judge( application );
					if ( settled ) {
						return settled;
					}
				}
			}
		} finally {
			await reader.cancel().catch( () => undefined );
		}
	}
}
