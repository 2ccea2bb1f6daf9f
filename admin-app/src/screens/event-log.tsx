/**
 * WordPress dependencies
 */
import { Button, Notice, Spinner } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, listEvents, type EventSource } from '../api/rest';
import type { EventPage } from '../api/types';
import { formatTime } from '../components/format';
import { RefusedCallbacks } from '../components/refused-callbacks';

export const EVENTS_PER_PAGE = 25;

/**
 * An app's or a job's event log, newest first, a page at a time.
 *
 * @param props        Component props.
 * @param props.source Whose events.
 */
export function EventLogScreen( { source }: { source: EventSource | null } ) {
	// Cursors of the pages visited: [undefined] is the first page, the last one is shown.
	const [ cursors, setCursors ] = useState< Array< string | undefined > >( [
		undefined,
	] );
	const [ page, setPage ] = useState< EventPage | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const sourceKey = source ? JSON.stringify( source ) : '';

	useEffect( () => {
		setCursors( [ undefined ] );
	}, [ sourceKey ] );

	const cursor = cursors[ cursors.length - 1 ];
	useEffect( () => {
		if ( ! source ) {
			return;
		}
		let current = true;
		setPage( null );
		setError( null );
		listEvents( source, EVENTS_PER_PAGE, cursor )
			.then( ( loaded ) => current && setPage( loaded ) )
			.catch(
				( failure ) => current && setError( errorMessage( failure ) )
			);
		return () => {
			current = false;
		};
		// sourceKey stands for source.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ sourceKey, cursor ] );

	if ( ! source ) {
		return (
			<div className="k8or-orbit-event-log">
				<h2>{ __( 'Event log', 'k8or-orbit' ) }</h2>
				<p>
					{ __(
						'Choose an app in Images and pick “Event log”.',
						'k8or-orbit'
					) }
				</p>
				<RefusedCallbacks />
			</div>
		);
	}

	const heading =
		'appId' in source
			? sprintf(
					/* translators: %d: app id. */ __(
						'Event log of app %d',
						'k8or-orbit'
					),
					source.appId
				)
			: sprintf(
					/* translators: %s: job id. */ __(
						'Event log of job %s',
						'k8or-orbit'
					),
					source.jobId
				);

	return (
		<div className="k8or-orbit-event-log">
			<h2>{ heading }</h2>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ ! page && ! error && <Spinner /> }
			{ page && page.items.length === 0 && (
				<p>{ __( 'No events yet.', 'k8or-orbit' ) }</p>
			) }
			{ page && page.items.length > 0 && (
				<table className="widefat striped k8or-orbit-events">
					<caption className="screen-reader-text">
						{ heading }
					</caption>
					<thead>
						<tr>
							<th scope="col">{ __( 'Time', 'k8or-orbit' ) }</th>
							<th scope="col">{ __( 'Event', 'k8or-orbit' ) }</th>
							<th scope="col">
								{ __( 'Outcome', 'k8or-orbit' ) }
							</th>
							<th scope="col">
								{ __( 'Environment', 'k8or-orbit' ) }
							</th>
							<th scope="col">{ __( 'By', 'k8or-orbit' ) }</th>
							<th scope="col">{ __( 'Job', 'k8or-orbit' ) }</th>
						</tr>
					</thead>
					<tbody>
						{ page.items.map( ( event ) => (
							<tr
								key={ `${ event.jobId }:${ event.seq }` }
								className={
									event.outcome === 'failed'
										? 'is-failed'
										: undefined
								}
							>
								<td>
									<time dateTime={ event.time }>
										{ formatTime( event.time ) }
									</time>
								</td>
								<td>
									{ event.name }
									{ event.outcome === 'failed' &&
										event.message && (
											<p className="k8or-orbit-events__message">
												{ event.message }
											</p>
										) }
								</td>
								<td>{ event.outcome }</td>
								<td>{ event.environment ?? '—' }</td>
								<td>{ event.actor?.login ?? '—' }</td>
								<td>
									<code>{ event.jobId }</code>
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			) }
			<div className="k8or-orbit-event-log__pages">
				<Button
					variant="secondary"
					disabled={ cursors.length < 2 }
					accessibleWhenDisabled
					onClick={ () => setCursors( cursors.slice( 0, -1 ) ) }
				>
					{ __( 'Newer events', 'k8or-orbit' ) }
				</Button>
				<span>
					{ sprintf(
						/* translators: %d: page number. */ __(
							'Page %d',
							'k8or-orbit'
						),
						cursors.length
					) }
				</span>
				<Button
					variant="secondary"
					disabled={ ! page?.nextCursor }
					accessibleWhenDisabled
					onClick={ () =>
						page?.nextCursor &&
						setCursors( [ ...cursors, page.nextCursor ] )
					}
				>
					{ __( 'Older events', 'k8or-orbit' ) }
				</Button>
			</div>
		</div>
	);
}
