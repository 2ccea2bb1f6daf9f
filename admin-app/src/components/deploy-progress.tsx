/**
 * WordPress dependencies
 */
import { Notice } from '@wordpress/components';
import { useEffect } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { DeployStarted, EnvironmentState } from '../../../ui/src/deploy';
import { JobProgress } from './job-progress';
import { useFollowJob } from './use-follow-job';

/**
 * A deploy job followed live, ending with the environment's new status and the commit.
 *
 * @param props         Component props.
 * @param props.started The job the dialog started.
 * @param props.onEnded Called once the job has ended (to show the new state elsewhere).
 */
export function DeployProgress( {
	started,
	onEnded,
}: {
	started: DeployStarted;
	onEnded?: () => void;
} ) {
	const { followed, ended } = useFollowJob( started.jobId );
	useEffect( () => {
		if ( ended ) {
			onEnded?.();
		}
		// Once per ending, not on every new callback identity.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ ended ] );
	const events = Object.values( followed?.events ?? {} );
	const pushed = events.find( ( event ) => event.name === 'manifest-pushed' );
	const updated = events.find(
		( event ) => event.name === 'deployment-status-updated'
	);
	const state = (
		updated?.data?.environments as
			Record< string, EnvironmentState > | undefined
	 )?.[ started.environment ];
	const commit =
		state?.commit ??
		( typeof pushed?.data?.commit === 'string' ? pushed.data.commit : '' );
	return (
		<div className="k8or-orbit-deploy-progress">
			<p>
				{ sprintf(
					/* translators: 1: revision, 2: environment. */
					__( 'Revision %1$d to %2$s:', 'k8or-orbit' ),
					started.revision,
					started.environment
				) }
			</p>
			<JobProgress jobId={ started.jobId } />
			{ ended === 'succeeded' && (
				<Notice status="success" isDismissible={ false }>
					<span className="k8or-orbit-deploy-progress__status">
						{ sprintf(
							/* translators: 1: status, e.g. committed, 2: commit id. */
							__( 'Status: %1$s, commit %2$s', 'k8or-orbit' ),
							state?.status ?? 'committed',
							commit.slice( 0, 12 )
						) }
					</span>
					{ ( state?.status ?? 'committed' ) === 'committed' &&
						' ' +
							__(
								'(in the GitOps repository, waiting for sync)',
								'k8or-orbit'
							) }
				</Notice>
			) }
		</div>
	);
}
