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

/**
 * WordPress answered, and not with success a retry could bring: a 4xx refusal (other than
 * 408 and 429) or a redirect. Resending the same events cannot succeed.
 */
export class CallbackRefusedError extends CallbackError {
	constructor(
		readonly status: number,
		readonly reason: string
	) {
		super(
			`WordPress refused the job events (HTTP ${ status }): ${ reason }`
		);
		this.name = 'CallbackRefusedError';
	}
}

/** Answers that say "try again later" rather than "no". */
const RETRYABLE_CLIENT_ERRORS = new Set( [ 408, 429 ] );

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
					// A redirect would carry signed events to wherever it points: never follow one.
					redirect: 'manual',
					signal: AbortSignal.timeout( this.requestTimeoutMs ),
				} );
				const text = await response.text();
				if ( response.ok ) {
					return JSON.parse( text ) as CallbackAnswer;
				}
				if ( response.status >= 300 && response.status < 400 ) {
					throw new CallbackRefusedError(
						response.status,
						`redirected to ${
							response.headers.get( 'location' ) ?? 'nowhere'
						}; set ORBIT_WORDPRESS_URL to the address WordPress answers on itself`
					);
				}
				if (
					response.status >= 400 &&
					response.status < 500 &&
					! RETRYABLE_CLIENT_ERRORS.has( response.status )
				) {
					throw new CallbackRefusedError(
						response.status,
						refusalReason( text )
					);
				}
				lastProblem = `HTTP ${ response.status }: ${ text.slice( 0, 300 ) }`;
			} catch ( error ) {
				if ( error instanceof CallbackRefusedError ) {
					throw error;
				}
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

/** WordPress's own `{code, message}` of a refusal, or the start of whatever it sent. */
function refusalReason( text: string ): string {
	try {
		const answer = JSON.parse( text ) as {
			code?: unknown;
			message?: unknown;
		};
		if ( typeof answer.message === 'string' ) {
			return typeof answer.code === 'string'
				? `${ answer.code }: ${ answer.message }`
				: answer.message;
		}
	} catch {
		// Not JSON: the text itself is the reason.
	}
	return text.slice( 0, 300 ) || 'no reason given';
}
