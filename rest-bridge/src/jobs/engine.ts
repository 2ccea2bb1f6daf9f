import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { JobMessage, MessageBus } from '../adapters/nats.js';
import type { EventCallback } from '../adapters/wordpress.js';
import type { DeadLetters } from '../events/dead-letters.js';
import type { EventLog } from '../events/log.js';
import type {
	JobQueue,
	JobRecord,
	JobStore,
	NewJob,
} from '../job-model/job.js';
import type { JobDefinition } from './definition.js';
import { EventDelivery } from './delivery.js';
import { EventRecorder } from './event-recorder.js';
import type { JobHooks } from './hooks.js';
import { JobLease } from './lease.js';
import type { Logger } from './logger.js';
import { handsBackUnknownJob, retryDelayMs, sleep } from './retry.js';
import { StepRunner } from './runner.js';
import type { JobServices } from '../job-model/services.js';

export interface EngineOptions {
	store: JobStore;
	bus: MessageBus;
	events: EventLog;
	callback: EventCallback;
	/** Where events WordPress refused are kept. */
	deadLetters: DeadLetters;
	definitions: JobDefinition[];
	services: JobServices;
	ackWaitMs: number;
	maxAttempts: number;
	hooks?: JobHooks;
	logger: Logger;
}

/**
 * Runs jobs: each a list of named steps, checkpointed in the job store with
 * conditional writes, fed from the shared JetStream work-queue consumer.
 * A replica that dies between two steps leaves the message unacknowledged;
 * after the ack wait another replica receives it and resumes after the last
 * finished step.
 */
export class JobEngine implements JobQueue {
	readonly workerId = `${ hostname() }-${ process.pid }-${ randomUUID().slice( 0, 8 ) }`;
	private readonly definitions: Map< string, JobDefinition >;
	private readonly lease: JobLease;
	private readonly delivery: EventDelivery;
	private readonly runner: StepRunner;
	private stopping = false;
	private loop: Promise< void > | undefined;

	constructor( private readonly options: EngineOptions ) {
		const hooks = options.hooks ?? {};
		this.definitions = new Map(
			options.definitions.map( ( d ) => [ d.kind, d ] )
		);
		this.lease = new JobLease(
			options.store,
			this.workerId,
			options.ackWaitMs
		);
		this.delivery = new EventDelivery( {
			store: options.store,
			events: options.events,
			callback: options.callback,
			deadLetters: options.deadLetters,
			ackWaitMs: options.ackWaitMs,
			logger: options.logger,
		} );
		this.runner = new StepRunner( {
			store: options.store,
			lease: this.lease,
			recorder: new EventRecorder( {
				store: options.store,
				events: options.events,
				bus: options.bus,
				hooks,
			} ),
			delivery: this.delivery,
			services: options.services,
			maxAttempts: options.maxAttempts,
			hooks,
			logger: options.logger,
			stopping: () => this.stopping,
		} );
	}

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
		await this.options.store.createJob( record );
		// Queue even when the job existed: the earlier request may have died
		// before queueing; JetStream drops the duplicate by message id.
		await this.options.bus.enqueueJob( job.kind, job.jobId );
		return ( await this.get( job.jobId ) ) ?? record;
	}

	get( jobId: string ): Promise< JobRecord | undefined > {
		return this.options.store.getJob( jobId );
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
			if ( handsBackUnknownJob( message.deliveryCount ) ) {
				message.nak( 1000 );
				return;
			}
			this.options.logger.warn(
				{ jobId: message.jobId, deliveries: message.deliveryCount },
				'job message for an unknown job; dropped'
			);
			message.ack();
			return;
		}
		if ( job.status === 'succeeded' || job.status === 'failed' ) {
			await this.delivery.finish( job.jobId, message );
			return;
		}
		const claimed = await this.lease.claim( job.jobId );
		if ( ! claimed ) {
			const until = job.lease?.until ?? Date.now();
			message.nak( Math.max( 250, until - Date.now() + 250 ) );
			return;
		}
		const held = this.lease.hold( job.jobId, message );
		try {
			await this.runner.run(
				claimed,
				this.definition( job.kind ),
				message,
				held
			);
		} finally {
			held.stop();
		}
	}
}
