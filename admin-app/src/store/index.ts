/**
 * The console's client state: the upload in progress and the jobs being followed.
 * Server data (apps, reports, event log) is fetched by the screens that show it.
 */

/**
 * External dependencies
 */
import { COMPLETED_EVENTS } from '@k8or-orbit/contract';

/**
 * WordPress dependencies
 */
import { createReduxStore, register } from '@wordpress/data';

/**
 * Internal dependencies
 */
import type { Job, OrbitEvent, StepStatus } from '../api/types';

export type UploadPhase =
	| 'idle'
	| 'inspecting'
	| 'uploading'
	| 'completing'
	| 'processing'
	| 'failed'
	| 'cancelled';

export interface UploadProgress {
	phase: UploadPhase;
	bytesDone: number;
	bytesTotal: number;
	bytesPerSecond: number;
	secondsLeft: number | null;
	/** Bytes the store already held when this upload resumed. */
	resumedBytes: number;
	uploadId: string | null;
	jobId: string | null;
	error: string | null;
}

export interface FollowedJob {
	job: Job | null;
	/** Events by seq, so a replayed or duplicated event changes nothing. */
	events: Record< number, OrbitEvent >;
}

export interface StepView {
	name: string;
	status: StepStatus;
	message?: string;
}

interface State {
	upload: UploadProgress;
	jobs: Record< string, FollowedJob >;
}

export const IDLE_UPLOAD: UploadProgress = {
	phase: 'idle',
	bytesDone: 0,
	bytesTotal: 0,
	bytesPerSecond: 0,
	secondsLeft: null,
	resumedBytes: 0,
	uploadId: null,
	jobId: null,
	error: null,
};

const EMPTY_JOB: FollowedJob = { job: null, events: {} };

const initialState: State = { upload: IDLE_UPLOAD, jobs: {} };

export const actions = {
	updateUpload: ( changes: Partial< UploadProgress > ) =>
		( { type: 'UPDATE_UPLOAD', changes } ) as const,
	resetUpload: () => ( { type: 'RESET_UPLOAD' } ) as const,
	receiveJob: ( job: Job ) => ( { type: 'RECEIVE_JOB', job } ) as const,
	receiveJobEvents: ( jobId: string, events: OrbitEvent[] ) =>
		( { type: 'RECEIVE_JOB_EVENTS', jobId, events } ) as const,
};

type Action = ReturnType< ( typeof actions )[ keyof typeof actions ] >;

export function reducer( state: State = initialState, action: Action ): State {
	switch ( action.type ) {
		case 'UPDATE_UPLOAD':
			return { ...state, upload: { ...state.upload, ...action.changes } };
		case 'RESET_UPLOAD':
			return { ...state, upload: IDLE_UPLOAD };
		case 'RECEIVE_JOB': {
			const followed = state.jobs[ action.job.jobId ] ?? EMPTY_JOB;
			return {
				...state,
				jobs: {
					...state.jobs,
					[ action.job.jobId ]: { ...followed, job: action.job },
				},
			};
		}
		case 'RECEIVE_JOB_EVENTS': {
			const followed = state.jobs[ action.jobId ] ?? EMPTY_JOB;
			const events = { ...followed.events };
			for ( const event of action.events ) {
				events[ event.seq ] = event;
			}
			return {
				...state,
				jobs: {
					...state.jobs,
					[ action.jobId ]: { ...followed, events },
				},
			};
		}
		default:
			return state;
	}
}

const OUTCOME_STATUS: Record< OrbitEvent[ 'outcome' ], StepStatus > = {
	started: 'running',
	succeeded: 'succeeded',
	failed: 'failed',
};

/**
 * The steps of a job as the user should see them: the job's own list, updated by every
 * event received since (in seq order), with a failed step's message.
 *
 * @param followed The job and its events.
 */
export function jobSteps( followed: FollowedJob ): StepView[] {
	const steps = new Map< string, StepView >();
	for ( const step of followed.job?.steps ?? [] ) {
		steps.set( step.name, {
			name: step.name,
			status: step.status === 'done' ? 'succeeded' : step.status,
		} );
	}
	const ordered = Object.values( followed.events ).sort(
		( a, b ) => a.seq - b.seq
	);
	for ( const event of ordered ) {
		if ( ! event.step ) {
			continue;
		}
		steps.set( event.step, {
			name: event.step,
			status: OUTCOME_STATUS[ event.outcome ],
			message: event.outcome === 'failed' ? event.message : undefined,
		} );
	}
	return [ ...steps.values() ];
}

/**
 * Whether a job has ended, by its own status or by its events.
 *
 * @param followed The job and its events.
 */
export function jobEnded(
	followed: FollowedJob
): 'succeeded' | 'failed' | null {
	if (
		followed.job?.status === 'succeeded' ||
		followed.job?.status === 'failed'
	) {
		return followed.job.status;
	}
	const events = Object.values( followed.events );
	if ( events.some( ( event ) => event.outcome === 'failed' ) ) {
		return 'failed';
	}
	if (
		events.some(
			( event ) =>
				event.outcome === 'succeeded' &&
				COMPLETED_EVENTS.includes( event.name )
		)
	) {
		return 'succeeded';
	}
	return null;
}

export const selectors = {
	getUpload: ( state: State ) => state.upload,
	getFollowedJob: ( state: State, jobId: string ) =>
		state.jobs[ jobId ] ?? EMPTY_JOB,
};

export const STORE_NAME = 'k8or-orbit/console';

export const store = createReduxStore( STORE_NAME, {
	reducer,
	actions,
	selectors,
} );

register( store );
