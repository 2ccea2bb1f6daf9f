import { CONTRACT, type DeclaredJobKind } from '@k8or-orbit/contract';
import type { CallbackAnswer } from '../adapters/wordpress.js';
import type { BridgeEvent, EventOutcome } from '../events/event.js';
import type { JobRecord, StepState } from '../job-model/job.js';
import type { JobServices } from '../job-model/services.js';

export interface StepContext {
	job: JobRecord;
	/**
	 * Emits the job event `name` once per job, whatever the number of
	 * retries; only the events the step declares in `emits`.
	 */
	emit: (
		name: string,
		outcome: EventOutcome,
		data?: Record< string, unknown >,
		message?: string
	) => Promise< BridgeEvent >;
	/** The saved output of an earlier step. */
	output: < T >( step: string ) => T;
	/** Delivers every event not yet accepted by WordPress, plus `again` (re-sent). */
	deliver: ( again?: BridgeEvent ) => Promise< CallbackAnswer | undefined >;
	/** Keeps the job claimed while a step runs long. */
	heartbeat: () => void;
}

export interface StepDefinition {
	name: string;
	/** The events the step emits, in the order it emits them. */
	emits: readonly string[];
	/** What the step's result holds for later steps (`context.output( name )`), or null. */
	checkpoints: string | null;
	/** Idempotent: may run again after a crash. Its result is checkpointed. */
	run: ( context: StepContext, services: JobServices ) => Promise< unknown >;
}

/**
 * A job kind, declared in one place: its steps in order, each with its name
 * (stored on the job, shown in the console), the events it emits and what it
 * checkpoints, then the step bodies as functions of the same file.
 *
 * The engine runs the steps in order, checkpoints each result, and after a
 * crash resumes with the first step not done (so a body must be idempotent:
 * it may run again, and re-emitting an event keeps the event's first seq).
 * A `PermanentJobError` fails the job at once; other errors are retried.
 *
 * ```ts
 * export const deployJob: JobDefinition = {
 * 	kind: DEPLOY_JOB,
 * 	failureEvent: 'deploy-failed',
 * 	steps: [
 * 		{ name: 'push', emits: [ 'image-pushed' ], checkpoints: 'the pushed digest', run: push },
 * 		{ name: 'commit', emits: [ 'manifests-committed' ], checkpoints: null, run: commit },
 * 	],
 * };
 * async function push( context: StepContext, { objects }: JobServices ) { … }
 * ```
 */
export interface JobDefinition {
	kind: string;
	/** Name of the event that tells a job of this kind failed. */
	failureEvent: string;
	steps: StepDefinition[];
	/** Undoes partial work after a permanent failure; must be idempotent. */
	cleanUp?: ( job: JobRecord, services: JobServices ) => Promise< void >;
}

/** The steps still to run, in order, given the checkpointed states. */
export function remainingSteps< Step extends { name: string } >(
	definition: { steps: Step[] },
	states: Record< string, StepState >
): Step[] {
	return definition.steps.filter(
		( step ) => states[ step.name ]?.status !== 'done'
	);
}

type ContractStep< K extends DeclaredJobKind > =
	( typeof CONTRACT.jobs )[ K ][ 'steps' ][ number ];

/**
 * A job's steps as docs/contract.json declares them, by step name, so the job
 * takes its step and event names from the contract instead of restating them.
 *
 * @param kind The job kind.
 */
export function contractSteps< K extends DeclaredJobKind >(
	kind: K
): { [ Step in ContractStep< K > as Step[ 'name' ] ]: Step } {
	return Object.fromEntries(
		CONTRACT.jobs[ kind ].steps.map( ( step ) => [ step.name, step ] )
	) as { [ Step in ContractStep< K > as Step[ 'name' ] ]: Step };
}
