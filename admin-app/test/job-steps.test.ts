import { describe, expect, it } from 'vitest';

import type { Job, OrbitEvent } from '../src/api/types';
import { jobSteps } from '../src/store';

const JOB: Job = {
	jobId: '7b0c2f0e-5d7a-4a51-9a3e-3c5d1e2f4a6b',
	kind: 'deploy',
	appName: 'hello-web',
	environment: 'dev',
	status: 'running',
	steps: [
		{ name: 'commit', status: 'done' },
		// Without a cluster connection this step has nothing to do and emits no event.
		{ name: 'cluster', status: 'done' },
		{ name: 'publish', status: 'running' },
		{ name: 'finish', status: 'pending' },
	],
};

function event(
	seq: number,
	step: string,
	outcome: OrbitEvent[ 'outcome' ],
	message?: string
): OrbitEvent {
	return {
		jobId: JOB.jobId,
		seq,
		name: `${ step }-${ outcome }`,
		step,
		outcome,
		appName: 'hello-web',
		environment: 'dev',
		actor: { id: 1, login: 'admin' },
		time: '2026-12-01T10:00:00.000Z',
		...( message ? { message } : {} ),
		data: {},
	};
}

describe( 'the steps a job shows', () => {
	it( 'shows a step the job finished without events as succeeded, and the others as their events say', () => {
		const steps = jobSteps( {
			job: JOB,
			events: {
				1: event( 1, 'commit', 'succeeded' ),
				2: event(
					2,
					'publish',
					'failed',
					'WordPress refused the state.'
				),
			},
		} );
		expect( steps ).toEqual( [
			{ name: 'commit', status: 'succeeded', message: undefined },
			{ name: 'cluster', status: 'succeeded' },
			{
				name: 'publish',
				status: 'failed',
				message: 'WordPress refused the state.',
			},
			{ name: 'finish', status: 'pending' },
		] );
	} );
} );
