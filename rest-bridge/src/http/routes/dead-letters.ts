import { LIMITS, PATTERNS } from '@k8or-orbit/contract';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
	CallbackRefusedError,
	type EventCallback,
} from '../../adapters/wordpress.js';
import type { DeadLetters } from '../../events/dead-letters.js';
import { HttpError } from '../errors.js';
import { actor } from '../schemas.js';

export interface DeadLetterRouteOptions {
	deadLetters: DeadLetters;
	callback: Pick< EventCallback, 'deliver' >;
}

const letterId = z.string().regex( new RegExp( PATTERNS.deadLetterId ), {
	error: 'must be the id of a refused callback this bridge listed',
} );

const listQuery = z.object( {
	limit: z.coerce
		.number()
		.int()
		.min( 1 )
		.max( LIMITS.deadLetters.listed )
		.default( LIMITS.deadLetters.listed ),
} );

const deliverBody = z.object( { actor: actor.optional() } ).optional();

/** How long a re-delivery waits for a WordPress that does not answer. */
const REDELIVERY_PATIENCE_MS = 5000;

/** Callbacks WordPress refused: listed, and delivered again once the cause is fixed. */
export const deadLetterRoutes: FastifyPluginAsync<
	DeadLetterRouteOptions
> = async ( app, { deadLetters, callback } ) => {
	app.get( '/v1/dead-letters', async ( request ) => ( {
		items: await deadLetters.list( listQuery.parse( request.query ).limit ),
	} ) );

	app.post< { Params: { letterId: string } } >(
		'/v1/dead-letters/:letterId/deliver',
		async ( request ) => {
			const id = letterId.parse( request.params.letterId );
			const by = deliverBody.parse( request.body )?.actor;
			const letter = await deadLetters.get( id );
			if ( ! letter ) {
				throw new HttpError(
					404,
					'orbit_dead_letter_not_found',
					`No refused callback ${ id }; list them again.`
				);
			}
			const at = new Date().toISOString();
			try {
				const answer = await callback.deliver( letter.events, {
					patienceMs: REDELIVERY_PATIENCE_MS,
				} );
				request.log.info(
					{ letterId: id, jobId: letter.jobId, actor: by },
					'refused callback delivered again'
				);
				return {
					letter: ( await deadLetters.delivered( id, at ) ) ?? letter,
					applied: answer.applied,
					duplicates: answer.duplicates,
				};
			} catch ( error ) {
				if ( ! ( error instanceof CallbackRefusedError ) ) {
					throw new HttpError(
						502,
						'orbit_wordpress_unreachable',
						( error as Error ).message
					);
				}
				await deadLetters.refusedAgain(
					id,
					error.status,
					error.reason,
					at
				);
				throw new HttpError(
					409,
					'orbit_callback_refused',
					`WordPress refused the events again (HTTP ${ error.status }): ${ error.reason.slice(
						0,
						LIMITS.deadLetters.answerLength
					) }`
				);
			}
		}
	);
};
