/**
 * WordPress dependencies
 */
import { Notice, Spinner } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { StepStatus } from '../api/types';
import { jobSteps } from '../store';
import { useFollowJob } from './use-follow-job';

const STATUS_LABELS: Record< StepStatus, string > = {
	pending: __( 'waiting', 'k8or-orbit' ),
	running: __( 'running', 'k8or-orbit' ),
	succeeded: __( 'done', 'k8or-orbit' ),
	failed: __( 'failed', 'k8or-orbit' ),
};

/**
 * The steps of a job with their state, updated live; a failed step shows its message.
 *
 * @param props       Component props.
 * @param props.jobId The job to follow.
 */
export function JobProgress( { jobId }: { jobId: string } ) {
	const { followed, mode, ended } = useFollowJob( jobId );
	const steps = followed ? jobSteps( followed ) : [];
	return (
		<section
			className="k8or-orbit-job"
			aria-labelledby={ `job-${ jobId }` }
		>
			<h3 id={ `job-${ jobId }` }>
				{ sprintf(
					/* translators: %s: job id. */
					__( 'Job %s', 'k8or-orbit' ),
					jobId
				) }
			</h3>
			<p className="k8or-orbit-job__mode">
				{ mode === 'live' && __( 'Live updates.', 'k8or-orbit' ) }
				{ mode === 'polling' &&
					__(
						'The live link is unavailable; checking every few seconds.',
						'k8or-orbit'
					) }
				{ mode === 'connecting' && <Spinner /> }
			</p>
			{ steps.length === 0 && ! ended && (
				<p>{ __( 'Waiting for the first step…', 'k8or-orbit' ) }</p>
			) }
			<ol className="k8or-orbit-job__steps" aria-live="polite">
				{ steps.map( ( step ) => (
					<li
						key={ step.name }
						className={ `k8or-orbit-job__step is-${ step.status }` }
						data-status={ step.status }
					>
						<span className="k8or-orbit-job__step-name">
							{ step.name }
						</span>{ ' ' }
						<span className="k8or-orbit-job__step-status">
							{ STATUS_LABELS[ step.status ] }
						</span>
						{ step.message && (
							<p className="k8or-orbit-job__step-message">
								{ step.message }
							</p>
						) }
					</li>
				) ) }
			</ol>
			{ ended === 'succeeded' && (
				<Notice status="success" isDismissible={ false }>
					{ __( 'The job finished.', 'k8or-orbit' ) }
				</Notice>
			) }
			{ ended === 'failed' && (
				<Notice status="error" isDismissible={ false }>
					{ __(
						'The job failed. The failed step above says what to do.',
						'k8or-orbit'
					) }
				</Notice>
			) }
		</section>
	);
}
