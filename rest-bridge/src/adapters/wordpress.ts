import { signRequest } from '../signing/signature.js';
import type { BridgeEvent } from '../events/event.js';

export const CALLBACK_ROUTE = '/k8or-orbit/v1/bridge/events';

export interface CallbackAnswer {
	applied: number;
	duplicates: number;
	app?: { id: number; name: string };
}

/** Delivers job events to the WordPress plugin. */
export interface EventCallback {
	/**
	 * Delivers the events (in seq order), retrying with backoff for up to
	 * `patienceMs`; calls `heartbeat` between attempts. Throws when WordPress
	 * did not accept them in that time.
	 */
	deliver: (
		events: BridgeEvent[],
		options: { patienceMs: number; heartbeat?: () => void }
	) => Promise< CallbackAnswer >;
	ping: () => Promise< void >;
}

export class CallbackError extends Error {
	constructor( message: string ) {
		super( message );
		this.name = 'CallbackError';
	}
}

export class WordPressCallback implements EventCallback {
	constructor(
		private readonly baseUrl: string,
		private readonly secret: string,
		private readonly requestTimeoutMs = 15_000
	) {}

	private url() {
		return `${ this.baseUrl }/?rest_route=${ CALLBACK_ROUTE }`;
	}

	async deliver(
		events: BridgeEvent[],
		options: { patienceMs: number; heartbeat?: () => void }
	) {
		const body = JSON.stringify( { events } );
		const deadline = Date.now() + options.patienceMs;
		let delayMs = 250;
		let lastProblem = '';
		for ( let attempt = 1; attempt <= 1000; attempt++ ) {
			try {
				const response = await fetch( this.url(), {
					method: 'POST',
					headers: {
						'Content-Type': 'application/json',
						...signRequest( this.secret, {
							method: 'POST',
							path: CALLBACK_ROUTE,
							body,
						} ),
					},
					body,
					signal: AbortSignal.timeout( this.requestTimeoutMs ),
				} );
				const text = await response.text();
				if ( response.ok ) {
					return JSON.parse( text ) as CallbackAnswer;
				}
				lastProblem = `HTTP ${ response.status }: ${ text.slice( 0, 300 ) }`;
			} catch ( error ) {
				lastProblem = ( error as Error ).message;
			}
			options.heartbeat?.();
			if ( Date.now() + delayMs > deadline ) {
				break;
			}
			await new Promise( ( resolve ) => setTimeout( resolve, delayMs ) );
			delayMs = Math.min( delayMs * 2, 8000 );
		}
		throw new CallbackError(
			`WordPress at ${ this.baseUrl } did not accept job events (${ lastProblem }); the bridge keeps retrying.`
		);
	}

	async ping() {
		const response = await fetch( `${ this.baseUrl }/?rest_route=/`, {
			signal: AbortSignal.timeout( 5000 ),
		} );
		if ( response.status >= 500 ) {
			throw new Error( `WordPress answered HTTP ${ response.status }` );
		}
		await response.body?.cancel();
	}
}
