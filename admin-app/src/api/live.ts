/**
 * Live job progress over nats.ws: subscribe-only credentials come from GET /live, the
 * browser connects to the NATS websocket listener and follows one job's events.
 */

/**
 * External dependencies
 */
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';

/**
 * Internal dependencies
 */
import { getLiveCredentials } from './rest';
import type { OrbitEvent } from './types';

/** Job ids are NATS subject tokens: no dots, wildcards or spaces. */
const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface LiveFollow {
	close: () => Promise< void >;
}

/**
 * Subscribes to the events of one job (subject orbit.events.<app>.<jobId>).
 *
 * @param jobId   The job to follow.
 * @param onEvent Called for every event, in arrival order.
 * @param connect How to connect (nats.ws by default).
 */
export async function followJobLive(
	jobId: string,
	onEvent: ( event: OrbitEvent ) => void,
	connect: typeof wsconnect = wsconnect
): Promise< LiveFollow > {
	if ( ! JOB_ID.test( jobId ) ) {
		throw new Error( `"${ jobId }" is not a job id.` );
	}
	const credentials = await getLiveCredentials();
	const connection: NatsConnection = await connect( {
		servers: credentials.websocketUrl,
		user: credentials.user,
		pass: credentials.password,
		name: 'k8or-orbit-console',
		maxReconnectAttempts: 10,
	} );
	const subscription = connection.subscribe( `orbit.events.*.${ jobId }` );
	void ( async () => {
		for await ( const message of subscription ) {
			try {
				onEvent( message.json< OrbitEvent >() );
			} catch {
				// A message that is not an event is not ours to show; skip it.
			}
		}
	} )();
	return {
		close: () => connection.drain(),
	};
}
