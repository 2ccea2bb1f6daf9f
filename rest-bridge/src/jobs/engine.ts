import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { DocumentStore, Item } from '../adapters/dynamo.js';
import type { JobMessage, MessageBus } from '../adapters/nats.js';
import type { CallbackAnswer, EventCallback } from '../adapters/wordpress.js';
import {
	eventSubject,
	type Actor,
	type BridgeEvent,
	type EventOutcome,
} from '../events/event.js';
import type { EventLog } from '../events/log.js';
import { PermanentJobError } from './errors.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type StepStatus = 'pending' | 'running' | 'done';

export interface StepState {
	status: StepStatus;
	/** How many times the step was started (a step interrupted by a crash runs again). */
	runs: number;
	completedBy?: string;
	completedAt?: string;
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
	error?: { step: string; code: string; message: string };
	createdAt: string;
	updatedAt: string;
}

export interface Logger {
	info: ( object: object, message?: string ) => void;
	warn: ( object: object, message?: string ) => void;
	error: ( object: object, message?: string ) => void;
}

export interface StepContext {
	job: JobRecord;
	/** Emits the job event `name` once per job, whatever the number of retries. */
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
	/** Idempotent: may run again after a crash. Its result is checkpointed. */
	run: ( context: StepContext ) => Promise< unknown >;
}

export interface JobDefinition {
	kind: string;
	/** Name of the event that tells a job of this kind failed. */
	failureEvent: string;
	steps: StepDefinition[];
	/** Undoes partial work after a permanent failure; must be idempotent. */
	cleanUp?: ( job: JobRecord ) => Promise< void >;
}

export interface NewJob {
	jobId: string;
	kind: string;
	appName: string;
	environment: string;
	actor: Actor;
	input: Record< string, unknown >;
}

export interface EngineOptions {
	store: DocumentStore;
	bus: MessageBus;
	events: EventLog;
	callback: EventCallback;
	jobsTable: string;
	definitions: JobDefinition[];
	ackWaitMs: number;
	maxAttempts: number;
	/** Fault injection for tests: a pause before each step and each event (0: none). */
	stepDelayMs: number;
	logger: Logger;
}

const DONE: StepState[ 'status' ] = 'done';
const EVENT_BATCH = 100;
/** WordPress keeps event messages up to this length. */
const MAX_MESSAGE_LENGTH = 2000;

/** Delay before a transient failure is retried: grows with each delivery. */
export function retryDelayMs( deliveryCount: number ): number {
	return Math.min( 1000 * 2 ** Math.max( 0, deliveryCount - 1 ), 60_000 );
}

/** The steps still to run, in order, given the checkpointed states. */
export function remainingSteps(
	definition: Pick< JobDefinition, 'steps' >,
	states: Record< string, StepState >
): StepDefinition[] {
	return definition.steps.filter(
		( step ) => states[ step.name ]?.status !== DONE
	);
}

class LeaseLostError extends Error {}

/**
 * Runs jobs: each a list of named steps, checkpointed in DynamoDB with
 * conditional writes, fed from the shared JetStream work-queue consumer.
 * A replica that dies between two steps leaves the message unacknowledged;
 * after the ack wait another replica receives it and resumes after the last
 * finished step.
 */
export class JobEngine {
	readonly workerId = `${ hostname() }-${ process.pid }-${ randomUUID().slice( 0, 8 ) }`;
	private readonly definitions: Map< string, JobDefinition >;
	private stopping = false;
	private loop: Promise< void > | undefined;

	constructor( private readonly options: EngineOptions ) {
		this.definitions = new Map(
			options.definitions.map( ( d ) => [ d.kind, d ] )
		);
	}

	/** Creates the job (once per id) and queues it; returns the stored job. */
	async submit( job: NewJob ): Promise< JobRecord > {
		const definition = this.definition( job.kind );
		const now = new Date().toISOString();
		const record: JobRecord = {
			...job,
			status: 'queued',
			stepNames: definition.steps.map( ( s ) => s.name ),
			steps: Object.fromEntries(
				definition.steps.map( ( s ) => [
					s.name,
					{ status: 'pending', runs: 0 },
				] )
			),
			outputs: {},
			eventSeqs: {},
			nextSeq: 0,
			deliveredSeq: 0,
			createdAt: now,
			updatedAt: now,
		};
		await this.options.store.putIfAbsent(
			this.options.jobsTable,
			record as unknown as Item,
			'jobId'
		);
		// Queue even when the job existed: the earlier request may have died
		// before queueing; JetStream drops the duplicate by message id.
		await this.options.bus.enqueueJob( job.kind, job.jobId );
		return ( await this.get( job.jobId ) ) ?? record;
	}

	async get( jobId: string ): Promise< JobRecord | undefined > {
		return ( await this.options.store.get( this.options.jobsTable, {
			jobId,
		} ) ) as JobRecord | undefined;
	}

	start() {
		this.stopping = false;
		this.loop = this.run();
	}

	/** Stops taking jobs; the step in flight finishes and the job is handed back. */
	async stop() {
		this.stopping = true;
		await this.loop;
	}

	private async run() {
		while ( ! this.stopping ) {
			let message: JobMessage | null = null;
			try {
				message = await this.options.bus.nextJob( 1000 );
			} catch ( error ) {
				if ( this.stopping ) {
					break;
				}
				this.options.logger.warn(
					{ err: error },
					'could not pull a job; retrying'
				);
				await sleep( 1000 );
				continue;
			}
			if ( message ) {
				const taken = message;
				await this.process( taken ).catch( ( error ) => {
					this.options.logger.error(
						{ jobId: taken.jobId, err: error },
						'job handling failed; will retry'
					);
					taken.nak( retryDelayMs( taken.deliveryCount ) );
				} );
			}
		}
	}

	private definition( kind: string ): JobDefinition {
		const definition = this.definitions.get( kind );
		if ( ! definition ) {
			throw new Error( `no job definition for kind ${ kind }` );
		}
		return definition;
	}

	/** Handles one delivery of a job message. */
	async process( message: JobMessage ): Promise< void > {
		const job = await this.get( message.jobId );
		if ( ! job ) {
			this.options.logger.warn(
				{ jobId: message.jobId },
				'job message for an unknown job; dropped'
			);
			message.ack();
			return;
		}
		if ( job.status === 'succeeded' || job.status === 'failed' ) {
			await this.finishDelivery( job, message );
			return;
		}
		const claimed = await this.claim( job.jobId );
		if ( ! claimed ) {
			const until = job.lease?.until ?? Date.now();
			message.nak( Math.max( 250, until - Date.now() + 250 ) );
			return;
		}
		const claim = this.keepClaimed( job.jobId, message );
		try {
			await this.runSteps( claimed, message, claim );
		} finally {
			claim.stop();
		}
	}

	/** Heartbeats to JetStream and lease renewals while this worker runs a job. */
	private keepClaimed( jobId: string, message: JobMessage ) {
		let lost = false;
		const timer = setInterval(
			() => {
				message.working();
				void this.renewLease( jobId ).then( ( ok ) => {
					lost = lost || ! ok;
				} );
			},
			Math.max( 500, Math.floor( this.options.ackWaitMs / 3 ) )
		);
		return {
			heartbeat: () => message.working(),
			lost: () => lost,
			stop: () => clearInterval( timer ),
		};
	}

	private async runSteps(
		job: JobRecord,
		message: JobMessage,
		claim: ReturnType< JobEngine[ 'keepClaimed' ] >
	) {
		const log = this.options.logger;
		const definition = this.definition( job.kind );
		let current = job;
		let stepName = '';
		try {
			for ( const step of remainingSteps( definition, current.steps ) ) {
				if ( this.stopping ) {
					await this.releaseLease( job.jobId );
					message.nak( 0 );
					log.info(
						{ jobId: job.jobId, step: step.name },
						'handed job back on shutdown'
					);
					return;
				}
				if ( this.options.stepDelayMs > 0 ) {
					await sleep( this.options.stepDelayMs );
				}
				if ( claim.lost() ) {
					throw new LeaseLostError();
				}
				stepName = step.name;
				current = await this.markStarted( current, step.name );
				log.info(
					{
						jobId: job.jobId,
						step: step.name,
						worker: this.workerId,
					},
					'step started'
				);
				const output = await step.run(
					this.context( current, claim.heartbeat )
				);
				current = await this.checkpoint( current, step.name, output );
				await this.deliver( job.jobId, claim.heartbeat );
			}
			await this.setStatus( job.jobId, 'succeeded' );
			message.ack();
			log.info( { jobId: job.jobId }, 'job succeeded' );
		} catch ( error ) {
			await this.handleFailure(
				current,
				definition,
				stepName,
				error,
				message
			);
		}
	}

	private async handleFailure(
		job: JobRecord,
		definition: JobDefinition,
		stepName: string,
		error: unknown,
		message: JobMessage
	) {
		const log = this.options.logger;
		if ( error instanceof LeaseLostError ) {
			// Left unacknowledged: the replica holding the lease finishes the job.
			log.warn(
				{ jobId: job.jobId },
				'lost the job lease; another replica has it'
			);
			return;
		}
		const permanent = error instanceof PermanentJobError;
		if ( ! permanent && message.deliveryCount < this.options.maxAttempts ) {
			log.warn(
				{
					jobId: job.jobId,
					step: stepName,
					err: error,
					attempt: message.deliveryCount,
				},
				'step failed; will retry'
			);
			await this.releaseLease( job.jobId );
			message.nak( retryDelayMs( message.deliveryCount ) );
			return;
		}
		await this.fail( job, definition, stepName, error as Error, message );
	}

	private context( job: JobRecord, heartbeat: () => void ): StepContext {
		return {
			job,
			emit: ( name, outcome, data = {}, message ) =>
				this.emit( job, name, outcome, data, message ),
			output: < T >( step: string ) => job.outputs[ step ] as T,
			deliver: ( again ) => this.deliver( job.jobId, heartbeat, again ),
			heartbeat,
		};
	}

	private async emit(
		job: JobRecord,
		name: string,
		outcome: EventOutcome,
		data: Record< string, unknown >,
		message: string | undefined,
		step = this.runningStep( job )
	): Promise< BridgeEvent > {
		if ( this.options.stepDelayMs > 0 ) {
			await sleep( this.options.stepDelayMs );
		}
		const seq = await this.allocateSeq( job.jobId, name );
		const event = await this.options.events.record( {
			jobId: job.jobId,
			seq,
			name,
			step,
			outcome,
			appName: job.appName,
			environment: job.environment,
			actor: job.actor,
			time: new Date().toISOString(),
			...( message
				? { message: message.slice( 0, MAX_MESSAGE_LENGTH ) }
				: {} ),
			data,
		} );
		await this.options.bus.publishEvent(
			eventSubject( event ),
			event,
			`${ event.jobId }:${ event.seq }`
		);
		return event;
	}

	private runningStep( job: JobRecord ): string {
		return (
			job.stepNames.find(
				( name ) => job.steps[ name ]?.status === 'running'
			) ?? 'job'
		);
	}

	/** One seq per (job, event name), allocated by a conditional update. */
	private async allocateSeq(
		jobId: string,
		name: string
	): Promise< number > {
		const table = this.options.jobsTable;
		const updated = await this.options.store.update(
			table,
			{ jobId },
			{
				update: 'SET eventSeqs.#name = nextSeq + :one, nextSeq = nextSeq + :one',
				condition: 'attribute_not_exists(eventSeqs.#name)',
				names: { '#name': name },
				values: { ':one': 1 },
			}
		);
		const job = ( updated ?? ( await this.get( jobId ) ) ) as
			JobRecord | undefined;
		const seq = job?.eventSeqs?.[ name ];
		if ( typeof seq !== 'number' ) {
			throw new Error(
				`could not allocate an event seq for ${ jobId }/${ name }`
			);
		}
		return seq;
	}

	/**
	 * Sends WordPress every recorded event after the delivered mark, in seq
	 * order and without gaps, then advances the mark.
	 */
	private async deliver(
		jobId: string,
		heartbeat: () => void,
		again?: BridgeEvent
	): Promise< CallbackAnswer | undefined > {
		return this.deliverPending( jobId, heartbeat, 'in-order', again );
	}

	/**
	 * `in-order` stops at a gap (a seq allocated by a step that has not
	 * recorded its event yet: the step's retry will); `finished` jobs run no
	 * step again, so their remaining events go out across any gap.
	 */
	private async deliverPending(
		jobId: string,
		heartbeat: () => void,
		mode: 'in-order' | 'finished',
		again?: BridgeEvent
	): Promise< CallbackAnswer | undefined > {
		const patienceMs = Math.max(
			1000,
			Math.floor( this.options.ackWaitMs / 2 )
		);
		let answer: CallbackAnswer | undefined;
		for ( let round = 0; round < 100; round++ ) {
			const job = await this.get( jobId );
			if ( ! job ) {
				break;
			}
			const recorded = await this.options.events.after(
				jobId,
				job.deliveredSeq,
				EVENT_BATCH
			);
			const pending =
				mode === 'finished'
					? recorded
					: contiguousFrom( recorded, job.deliveredSeq );
			if ( pending.length === 0 ) {
				break;
			}
			answer = await this.options.callback.deliver( pending, {
				patienceMs,
				heartbeat,
			} );
			const last = pending[ pending.length - 1 ]?.seq ?? job.deliveredSeq;
			await this.options.store.update(
				this.options.jobsTable,
				{ jobId },
				{
					update: 'SET deliveredSeq = :last',
					condition: 'deliveredSeq < :last',
					values: { ':last': last },
				}
			);
		}
		if ( again ) {
			// WordPress applies each (jobId, seq) once; re-sending returns its answer.
			answer = await this.options.callback.deliver( [ again ], {
				patienceMs,
				heartbeat,
			} );
		}
		return answer;
	}

	private async finishDelivery( job: JobRecord, message: JobMessage ) {
		try {
			await this.deliverPending(
				job.jobId,
				() => message.working(),
				'finished'
			);
			message.ack();
		} catch ( error ) {
			this.options.logger.warn(
				{ jobId: job.jobId, err: error },
				'event delivery failed; will retry'
			);
			message.nak( retryDelayMs( message.deliveryCount ) );
		}
	}

	private async fail(
		job: JobRecord,
		definition: JobDefinition,
		step: string,
		error: Error,
		message: JobMessage
	) {
		const code =
			error instanceof PermanentJobError ? error.code : 'internal_error';
		const text =
			error instanceof PermanentJobError
				? error.message
				: `${ step || 'the job' } failed ${ message.deliveryCount } times: ${ error.message }`;
		this.options.logger.error(
			{ jobId: job.jobId, step, err: error },
			'job failed'
		);
		try {
			await definition.cleanUp?.( job );
		} catch ( cleanUpError ) {
			this.options.logger.warn(
				{ jobId: job.jobId, err: cleanUpError },
				'clean-up after failure failed'
			);
		}
		await this.emit(
			job,
			definition.failureEvent,
			'failed',
			{ code },
			text,
			step || 'job'
		);
		await this.options.store.update(
			this.options.jobsTable,
			{ jobId: job.jobId },
			{
				update: 'SET #status = :failed, #error = :error, updatedAt = :now REMOVE lease',
				names: { '#status': 'status', '#error': 'error' },
				values: {
					':failed': 'failed',
					':error': { step, code, message: text },
					':now': new Date().toISOString(),
				},
			}
		);
		await this.finishDelivery( job, message );
	}

	private async claim( jobId: string ): Promise< JobRecord | undefined > {
		const now = Date.now();
		return ( await this.options.store.update(
			this.options.jobsTable,
			{ jobId },
			{
				update: 'SET lease = :lease, #status = :running, updatedAt = :iso',
				condition:
					'attribute_not_exists(lease) OR lease.#until < :now OR lease.#owner = :me',
				names: {
					'#status': 'status',
					'#until': 'until',
					'#owner': 'owner',
				},
				values: {
					':lease': {
						owner: this.workerId,
						until: now + this.options.ackWaitMs,
					},
					':running': 'running',
					':iso': new Date( now ).toISOString(),
					':now': now,
					':me': this.workerId,
				},
			}
		) ) as JobRecord | undefined;
	}

	private async renewLease( jobId: string ): Promise< boolean > {
		const updated = await this.options.store.update(
			this.options.jobsTable,
			{ jobId },
			{
				update: 'SET lease.#until = :until',
				condition: 'lease.#owner = :me',
				names: { '#until': 'until', '#owner': 'owner' },
				values: {
					':until': Date.now() + this.options.ackWaitMs,
					':me': this.workerId,
				},
			}
		);
		return updated !== undefined;
	}

	private async releaseLease( jobId: string ) {
		await this.options.store.update(
			this.options.jobsTable,
			{ jobId },
			{
				update: 'REMOVE lease',
				condition: 'lease.#owner = :me',
				names: { '#owner': 'owner' },
				values: { ':me': this.workerId },
			}
		);
	}

	private markStarted( job: JobRecord, step: string ): Promise< JobRecord > {
		return this.updateUnfinishedStep(
			job,
			step,
			'SET steps.#step.#status = :running, steps.#step.runs = steps.#step.runs + :one',
			{ ':running': 'running', ':one': 1 }
		);
	}

	/** Marks a step done with its output, only if this worker still holds the job. */
	private checkpoint(
		job: JobRecord,
		step: string,
		output: unknown
	): Promise< JobRecord > {
		return this.updateUnfinishedStep(
			job,
			step,
			'SET steps.#step.#status = :done, steps.#step.completedBy = :me, steps.#step.completedAt = :now, outputs.#step = :output, updatedAt = :now',
			{ ':now': new Date().toISOString(), ':output': output ?? null }
		);
	}

	/**
	 * Updates a step that is not done yet, only while this worker holds the job's lease;
	 * otherwise another replica has taken the job over and this one must stop.
	 */
	private async updateUnfinishedStep(
		job: JobRecord,
		step: string,
		update: string,
		values: Record< string, unknown >
	): Promise< JobRecord > {
		const updated = await this.options.store.update(
			this.options.jobsTable,
			{ jobId: job.jobId },
			{
				update,
				condition:
					'lease.#owner = :me AND steps.#step.#status <> :done',
				names: {
					'#step': step,
					'#status': 'status',
					'#owner': 'owner',
				},
				values: { ...values, ':me': this.workerId, ':done': DONE },
			}
		);
		if ( ! updated ) {
			throw new LeaseLostError();
		}
		return updated as unknown as JobRecord;
	}

	private async setStatus( jobId: string, status: JobStatus ) {
		await this.options.store.update(
			this.options.jobsTable,
			{ jobId },
			{
				update: 'SET #status = :status, updatedAt = :now REMOVE lease',
				names: { '#status': 'status' },
				values: { ':status': status, ':now': new Date().toISOString() },
			}
		);
	}
}

/** The leading run of events whose seqs follow `afterSeq` without a gap. */
export function contiguousFrom(
	events: BridgeEvent[],
	afterSeq: number
): BridgeEvent[] {
	const run: BridgeEvent[] = [];
	let expected = afterSeq + 1;
	for ( const event of [ ...events ].sort( ( a, b ) => a.seq - b.seq ) ) {
		if ( event.seq !== expected ) {
			break;
		}
		run.push( event );
		expected++;
	}
	return run;
}

function sleep( ms: number ) {
	return new Promise( ( resolve ) => setTimeout( resolve, ms ) );
}
