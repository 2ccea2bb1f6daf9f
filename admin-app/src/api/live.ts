/**
 * Live job progress over nats.ws: GET /live hands this user credentials of their own (a NATS
 * user JWT and its NKey seed) for one job's subject, valid for minutes. They are renewed before
 * they expire for as long as WordPress still grants them; NATS closes the link once they lapse.
 */

/**
 * External dependencies
 */
import {
	jwtAuthenticator,
	wsconnect,
	type NatsConnection,
} from '@nats-io/nats-core';

/**
 * Internal dependencies
 */
import { getLiveCredentials } from './rest';
import type { LiveCredentials, OrbitEvent } from './types';

/** Job ids are NATS subject tokens: no dots, wildcards or spaces. */
const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Credentials are renewed when this share of their lifetime has passed. */
const RENEW_AT = 0.7;

export interface LiveFollow {
	close: () => Promise< void >;
}

export interface LiveOptions {
	/** How to connect (nats.ws by default). */
	connect?: typeof wsconnect;
	/** How to ask for credentials (GET /live by default). */
	credentials?: ( jobId: string ) => Promise< LiveCredentials >;
	/** Called after the link came back (events may have been missed meanwhile). */
	onReconnect?: () => void;
	/** Called when renewal was refused: the link ends when the credentials expire. */
	onRenewalRefused?: () => void;
}

/**
 * Subscribes to the events of one job (the subject GET /live names).
 *
 * @param jobId   The job to follow.
 * @param onEvent Called for every event, in arrival order.
 * @param options Connection, credential source and callbacks.
 */
export async function followJobLive(
	jobId: string,
	onEvent: ( event: OrbitEvent ) => void,
	options: LiveOptions = {}
): Promise< LiveFollow > {
	if ( ! JOB_ID.test( jobId ) ) {
		throw new Error( `"${ jobId }" is not a job id.` );
	}
	const ask = options.credentials ?? getLiveCredentials;
	let current = await ask( jobId );
	const encoder = new TextEncoder();
	const connection: NatsConnection = await ( options.connect ?? wsconnect )( {
		servers: current.websocketUrl,
		// Read on every (re)connect, so a reconnect after expiry uses the renewed credentials.
		authenticator: jwtAuthenticator(
			() => current.jwt,
			() => encoder.encode( current.seed )
		),
		name: 'k8or-orbit-console',
		maxReconnectAttempts: 10,
	} );

	let timer: ReturnType< typeof setTimeout > | undefined;
	const scheduleRenewal = () => {
		const lifetime = Date.parse( current.expiresAt ) - Date.now();
		timer = setTimeout(
			async () => {
				try {
					current = await ask( jobId );
					scheduleRenewal();
				} catch {
					// Refused (the user lost the capability) or unreachable: no renewal.
					options.onRenewalRefused?.();
				}
			},
			Math.max( 1000, lifetime * RENEW_AT )
		);
	};
	scheduleRenewal();

	const subscription = connection.subscribe( current.subject );
	void ( async () => {
		for await ( const message of subscription ) {
			try {
				onEvent( message.json< OrbitEvent >() );
			} catch {
				// A message that is not an event is not ours to show; skip it.
			}
		}
	} )();
	void ( async () => {
		for await ( const status of connection.status() ) {
			if ( status.type === 'reconnect' ) {
				options.onReconnect?.();
			}
		}
	} )();
	void connection.closed().then( () => clearTimeout( timer ) );
	return {
		close: async () => {
			clearTimeout( timer );
			await connection.drain();
		},
	};
}
