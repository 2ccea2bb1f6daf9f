import { decode, encodeUser, createUser, fromSeed } from '@nats-io/jwt';
import { jwtAuthenticator, type Authenticator } from '@nats-io/nats-core';

/** A user of the Orbit account: its JWT and the seed of its own key pair. */
export interface NatsUserCredentials {
	jwt: string;
	seed: string;
	expiresAt: string;
}

/** Subjects a browser may be given: one app's events, all of its jobs or one job. */
export const LIVE_SUBJECT =
	/^orbit\.events\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.(>|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function accountKey( accountSeed: string ) {
	return fromSeed( encoder.encode( accountSeed ) );
}

/**
 * Whether `seed` is an account seed (it signs users), with the reason when it is not.
 */
export function accountSeedProblem( seed: string ): string | undefined {
	try {
		if ( ! accountKey( seed ).getPublicKey().startsWith( 'A' ) ) {
			return 'is not an account seed (it must start with SA)';
		}
	} catch {
		return 'is not an NKey seed; make one with `orbit-bridge nats-auth`';
	}
	return undefined;
}

/**
 * A browser's credentials: subscribe to `subjects` only, publish nothing (not even replies),
 * over the websocket only, valid for `ttlSeconds`.
 */
export async function mintLiveUser(
	accountSeed: string,
	options: { name: string; subjects: string[]; ttlSeconds: number },
	now: Date = new Date()
): Promise< NatsUserCredentials > {
	const user = createUser();
	const exp = Math.floor( now.getTime() / 1000 ) + options.ttlSeconds;
	const jwt = await encodeUser(
		options.name,
		user,
		accountKey( accountSeed ),
		{
			pub: { deny: [ '>' ] },
			sub: { allow: options.subjects },
			subs: -1,
			data: -1,
			payload: -1,
			allowed_connection_types: [ 'WEBSOCKET' ],
		},
		{ exp }
	);
	return {
		jwt,
		seed: decoder.decode( user.getSeed() ),
		expiresAt: new Date( exp * 1000 ).toISOString(),
	};
}

/**
 * How a trusted process (the bridge, the stack's own tools) connects: as a user of the Orbit
 * account that it mints for itself, allowed everything. Browsers never get such a user.
 */
export async function accountUserAuthenticator(
	accountSeed: string,
	name: string
): Promise< Authenticator > {
	const user = createUser();
	const jwt = await encodeUser( name, user, accountKey( accountSeed ), {
		subs: -1,
		data: -1,
		payload: -1,
	} );
	return jwtAuthenticator( jwt, user.getSeed() );
}

/** The claims of a user JWT (for checks and tests). */
export function userClaims( jwt: string ) {
	return decode< { pub?: unknown; sub?: { allow?: string[] } } >( jwt );
}
