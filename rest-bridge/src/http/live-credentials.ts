import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BridgeConfig } from '../config.js';
import { LIVE_SUBJECT, mintLiveUser } from '../nats-auth/users.js';
import { HttpError } from './errors.js';

/** More subjects than a page follows at once would be a request for everything. */
const MAX_SUBJECTS = 50;

/**
 * POST /v1/live/credentials: WordPress, having checked who the user is and which apps they may
 * see, asks for that user's short-lived NATS credentials limited to those apps' event subjects.
 * WordPress cannot sign NATS JWTs itself; the bridge holds the account key.
 */
export function registerLiveCredentials(
	app: FastifyInstance,
	options: { config: BridgeConfig }
) {
	const { nats } = options.config;
	const body = z.object( {
		user: z.object( {
			id: z.number().int().min( 1 ),
			login: z.string().min( 1 ).max( 60 ),
		} ),
		subjects: z
			.array(
				z.string().regex( LIVE_SUBJECT, {
					error: 'must be orbit.events.<app>.> or orbit.events.<app>.<job id>',
				} )
			)
			.min( 1 )
			.max( MAX_SUBJECTS ),
	} );

	app.post( '/v1/live/credentials', async ( request, reply ) => {
		const { user, subjects } = body.parse( request.body );
		if ( ! nats.accountSeed ) {
			throw new HttpError(
				503,
				'orbit_live_not_configured',
				'Live progress needs NATS in operator mode: set ORBIT_NATS_ACCOUNT_SEED (orbit-bridge nats-auth makes the keys).'
			);
		}
		const credentials = await mintLiveUser( nats.accountSeed, {
			name: `wordpress-user-${ user.id }`,
			subjects,
			ttlSeconds: nats.liveCredentialsTtlSeconds,
		} );
		request.log.info(
			{ userId: user.id, subjects, expiresAt: credentials.expiresAt },
			'live credentials minted'
		);
		return reply.code( 201 ).send( { ...credentials, subjects } );
	} );
}
