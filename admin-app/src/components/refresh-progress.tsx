/**
 * WordPress dependencies
 */
import { Notice, Spinner } from '@wordpress/components';
import { useEffect } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { useFollowJob } from './use-follow-job';

/**
 * A Refresh (cluster-status job) followed until it ends; a failure says why.
 *
 * @param props             Component props.
 * @param props.jobId       The job Refresh started.
 * @param props.environment The environment it reads.
 * @param props.onEnded     Called once the job has ended (to show the new state).
 */
export function RefreshProgress( {
	jobId,
	environment,
	onEnded,
}: {
	jobId: string;
	environment: string;
	onEnded: () => void;
} ) {
	const { followed, ended } = useFollowJob( jobId );
	useEffect( () => {
		if ( ended ) {
			onEnded();
		}
		// Once per ending, not on every new callback identity.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ ended ] );
	if ( ! ended ) {
		return (
			<span className="k8or-orbit-app__refreshing">
				<Spinner />
				{ __( 'Reading what runs…', 'k8or-orbit' ) }
			</span>
		);
	}
	if ( ended === 'succeeded' ) {
		return null;
	}
	const failure = Object.values( followed?.events ?? {} ).find(
		( event ) => event.outcome === 'failed'
	);
	return (
		<Notice status="warning" isDismissible={ false }>
			{ sprintf(
				/* translators: 1: environment, 2: why. */
				__( 'Could not refresh %1$s: %2$s', 'k8or-orbit' ),
				environment,
				failure?.message ?? __( 'see the event log.', 'k8or-orbit' )
			) }
		</Notice>
	);
}
