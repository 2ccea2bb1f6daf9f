/**
 * WordPress dependencies
 */
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';

/**
 * Internal dependencies
 */
import { followJobLive } from '../api/live';
import { getJob, listEvents } from '../api/rest';
import { jobEnded, store } from '../store';

export type FollowMode = 'connecting' | 'live' | 'polling' | 'ended';

const POLL_INTERVAL_MS = 2000;
/** Polling stops after this long; a job still running by then is followed in the event log. */
const POLL_LIMIT_MS = 30 * 60 * 1000;
const EVENT_PAGE = 100;

/**
 * Follows a job: loads its state and events, then receives new events live over
 * nats.ws, falling back to polling the REST API when the live link is unavailable.
 *
 * @param jobId The job, or null for none.
 */
export function useFollowJob( jobId: string | null ) {
	const { receiveJob, receiveJobEvents } = useDispatch( store );
	const followed = useSelect(
		( select ) =>
			jobId ? select( store ).getFollowedJob( jobId ) : null,
		[ jobId ]
	);
	const [ mode, setMode ] = useState< FollowMode >( 'connecting' );
	const ended = followed ? jobEnded( followed ) : null;

	useEffect( () => {
		if ( ! jobId ) {
			return;
		}
		let stopped = false;
		let close: ( () => Promise< void > ) | null = null;
		let timer: ReturnType< typeof setTimeout > | undefined;
		const refresh = async () => {
			const [ job, events ] = await Promise.all( [
				getJob( jobId ),
				listEvents( { jobId }, EVENT_PAGE ),
			] );
			if ( ! stopped ) {
				receiveJob( job );
				receiveJobEvents( jobId, events.items );
			}
			return job;
		};
		const poll = async ( startedAt: number ) => {
			try {
				const job = await refresh();
				if ( job.status === 'succeeded' || job.status === 'failed' ) {
					return;
				}
			} catch {
				// A failed poll is retried on the next tick.
			}
			if ( ! stopped && Date.now() - startedAt < POLL_LIMIT_MS ) {
				timer = setTimeout( () => poll( startedAt ), POLL_INTERVAL_MS );
			}
		};
		( async () => {
			try {
				const live = await followJobLive(
					jobId,
					( event ) => receiveJobEvents( jobId, [ event ] ),
					{
						// Events published while the link was down come from the log.
						onReconnect: () =>
							void refresh().catch( () => undefined ),
						// The link ends when the credentials lapse; polling takes over.
						onRenewalRefused: () => {
							if ( ! stopped ) {
								setMode( 'polling' );
								void poll( Date.now() );
							}
						},
					}
				);
				close = live.close;
				if ( stopped ) {
					await live.close();
					return;
				}
				setMode( 'live' );
				// Events published before the subscription started come from the log.
				await refresh().catch( () => undefined );
			} catch {
				if ( ! stopped ) {
					setMode( 'polling' );
					void poll( Date.now() );
				}
			}
		} )();
		return () => {
			stopped = true;
			clearTimeout( timer );
			void close?.().catch( () => undefined );
		};
	}, [ jobId, receiveJob, receiveJobEvents ] );

	// The final state (status, steps) comes from the job itself once its last event is in.
	useEffect( () => {
		if ( jobId && ended ) {
			getJob( jobId )
				.then( receiveJob )
				.catch( () => undefined );
		}
	}, [ jobId, ended, receiveJob ] );

	return { followed, mode: ended ? ( 'ended' as const ) : mode, ended };
}
