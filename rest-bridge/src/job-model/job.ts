import type { Actor } from '../events/event.js';

/**
 * What the rest of the bridge knows of jobs: their stored record, how to
 * submit one, and the named operations of the store that keeps them. The
 * engine implements these; the HTTP routes use them without importing it.
 */

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type StepStatus = 'pending' | 'running' | 'done';

export interface StepState {
	status: StepStatus;
	/** How many times the step was started (a step interrupted by a crash runs again). */
	runs: number;
	completedBy?: string;
	completedAt?: string;
}

export interface JobError {
	step: string;
	code: string;
	message: string;
}

export interface JobRecord {
	jobId: string;
	kind: string;
	appName: string;
	environment: string;
	actor: Actor;
	input: Record< string, unknown >;
	status: JobStatus;
	stepNames: string[];
	steps: Record< string, StepState >;
	outputs: Record< string, unknown >;
	/** Event name → its seq, so a retried step re-emits with the same seq. */
	eventSeqs: Record< string, number >;
	nextSeq: number;
	/** Highest seq WordPress has accepted. */
	deliveredSeq: number;
	lease?: { owner: string; until: number };
	error?: JobError;
	createdAt: string;
	updatedAt: string;
}

export interface NewJob {
	jobId: string;
	kind: string;
	appName: string;
	environment: string;
	actor: Actor;
	input: Record< string, unknown >;
}

/** Submitting and reading jobs: what the routes are given of the engine. */
export interface JobQueue {
	/** Creates the job (once per id) and queues it; returns the stored job. */
	submit: ( job: NewJob ) => Promise< JobRecord >;
	get: ( jobId: string ) => Promise< JobRecord | undefined >;
}

/**
 * The job store's operations. Each is one conditional write, so replicas
 * sharing the store never both run a step: the lease owner is checked on
 * every step write.
 */
export interface JobStore {
	/** Stores the job unless one with its id exists; false when it existed. */
	createJob: ( job: JobRecord ) => Promise< boolean >;
	getJob: ( jobId: string ) => Promise< JobRecord | undefined >;
	/**
	 * Takes the lease until `until` (epoch ms) when it is free, expired at
	 * `now` or already `owner`'s, and marks the job running; undefined when
	 * another owner holds it.
	 */
	claimLease: (
		jobId: string,
		owner: string,
		now: number,
		until: number
	) => Promise< JobRecord | undefined >;
	/** Extends `owner`'s lease; false when `owner` no longer holds it. */
	renewLease: (
		jobId: string,
		owner: string,
		until: number
	) => Promise< boolean >;
	/** Gives `owner`'s lease up (no-op when it does not hold it). */
	releaseLease: ( jobId: string, owner: string ) => Promise< void >;
	/** Marks an unfinished step running and counts the run; undefined when `owner` lost the lease. */
	startStep: (
		jobId: string,
		step: string,
		owner: string
	) => Promise< JobRecord | undefined >;
	/** Marks an unfinished step done with its output; undefined when `owner` lost the lease. */
	completeStep: (
		jobId: string,
		step: string,
		owner: string,
		output: unknown,
		at: string
	) => Promise< JobRecord | undefined >;
	/** The seq of an event of the job, allocated on first request and the same ever after. */
	allocateSeq: (
		jobId: string,
		event: string
	) => Promise< number | undefined >;
	/** Raises the mark of events WordPress accepted to `seq` (never lowers it). */
	markDelivered: ( jobId: string, seq: number ) => Promise< void >;
	/** Marks the job succeeded and drops its lease. */
	succeedJob: ( jobId: string, at: string ) => Promise< void >;
	/** Marks the job failed with its error and drops its lease. */
	failJob: ( jobId: string, error: JobError, at: string ) => Promise< void >;
}
