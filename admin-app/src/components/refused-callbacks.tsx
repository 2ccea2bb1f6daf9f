/**
 * WordPress dependencies
 */
import { Button, Notice, Spinner } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { deliverDeadLetter, errorMessage, listDeadLetters } from '../api/rest';
import type { DeadLetter } from '../api/types';
import { formatTime } from './format';

type Outcome = { letterId: string; ok: boolean; text: string };

/**
 * Job events WordPress refused (a 4xx), which the bridge keeps instead of resending forever:
 * what was refused and why, and a button to deliver them again once the cause is fixed.
 */
export function RefusedCallbacks() {
	const [ letters, setLetters ] = useState< DeadLetter[] | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState< string | null >( null );
	const [ outcome, setOutcome ] = useState< Outcome | null >( null );

	useEffect( () => {
		let current = true;
		listDeadLetters()
			.then( ( loaded ) => current && setLetters( loaded.items ) )
			.catch(
				( failure ) => current && setError( errorMessage( failure ) )
			);
		return () => {
			current = false;
		};
	}, [] );

	const deliverAgain = async ( letter: DeadLetter ) => {
		setBusy( letter.letterId );
		setOutcome( null );
		try {
			const answer = await deliverDeadLetter( letter.letterId );
			setLetters( ( shown ) =>
				( shown ?? [] ).map( ( item ) =>
					item.letterId === letter.letterId ? answer.letter : item
				)
			);
			setOutcome( {
				letterId: letter.letterId,
				ok: true,
				text: sprintf(
					/* translators: 1: events applied now, 2: events applied before. */
					__(
						'WordPress accepted the events: %1$d applied, %2$d already applied.',
						'k8or-orbit'
					),
					answer.applied ?? 0,
					answer.duplicates ?? 0
				),
			} );
		} catch ( failure ) {
			setOutcome( {
				letterId: letter.letterId,
				ok: false,
				text: errorMessage( failure ),
			} );
		} finally {
			setBusy( null );
		}
	};

	const heading = __( 'Refused callbacks', 'k8or-orbit' );
	return (
		<div className="k8or-orbit-refused-callbacks">
			<h3>{ heading }</h3>
			<p>
				{ __(
					'Job events WordPress refused. The bridge does not resend them by itself: fix what WordPress answered, then deliver them again.',
					'k8or-orbit'
				) }
			</p>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ outcome && (
				<Notice
					status={ outcome.ok ? 'success' : 'error' }
					isDismissible={ false }
				>
					{ outcome.text }
				</Notice>
			) }
			{ ! letters && ! error && <Spinner /> }
			{ letters && letters.length === 0 && (
				<p>{ __( 'WordPress refused no callbacks.', 'k8or-orbit' ) }</p>
			) }
			{ letters && letters.length > 0 && (
				<table className="widefat striped">
					<caption className="screen-reader-text">
						{ heading }
					</caption>
					<thead>
						<tr>
							<th scope="col">
								{ __( 'Refused', 'k8or-orbit' ) }
							</th>
							<th scope="col">{ __( 'App', 'k8or-orbit' ) }</th>
							<th scope="col">
								{ __( 'Events', 'k8or-orbit' ) }
							</th>
							<th scope="col">
								{ __( 'WordPress answered', 'k8or-orbit' ) }
							</th>
							<th scope="col">
								{ __( 'Status', 'k8or-orbit' ) }
							</th>
						</tr>
					</thead>
					<tbody>
						{ letters.map( ( letter ) => (
							<tr key={ letter.letterId }>
								<td>
									{ letter.refusedAt && (
										<time dateTime={ letter.refusedAt }>
											{ formatTime( letter.refusedAt ) }
										</time>
									) }
								</td>
								<td>{ letter.appName }</td>
								<td>
									{ letter.events
										.map(
											( event ) =>
												`${ event.seq } ${ event.name }`
										)
										.join( ', ' ) }
									<br />
									<small>{ letter.jobId }</small>
								</td>
								<td>
									{ sprintf(
										/* translators: 1: HTTP status, 2: WordPress's answer. */
										__( 'HTTP %1$d: %2$s', 'k8or-orbit' ),
										letter.httpStatus,
										letter.answer
									) }
								</td>
								<td>
									{ letter.status === 'delivered' ? (
										__( 'Delivered', 'k8or-orbit' )
									) : (
										<Button
											variant="secondary"
											isBusy={ busy === letter.letterId }
											disabled={ busy !== null }
											onClick={ () =>
												deliverAgain( letter )
											}
										>
											{ __(
												'Deliver again',
												'k8or-orbit'
											) }
										</Button>
									) }
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			) }
		</div>
	);
}
