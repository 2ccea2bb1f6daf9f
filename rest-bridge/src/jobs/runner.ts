import type { JobMessage } from '../adapters/nats.js';
import type { JobRecord, JobStore } from '../job-model/job.js';
import {
	remainingSteps,
	type JobDefinition,
	type StepContext,
	type StepDefinition,
} from './definition.js';
import type { EventDelivery } from './delivery.js';
import { PermanentJobError } from './errors.js';
import { runningStep, type EventRecorder } from './event-recorder.js';
import type { JobHooks } from './hooks.js';
import { LeaseLostError, type HeldLease, type JobLease } from './lease.js';
import type { Logger } from './logger.js';
import { retryDelayMs } from './retry.js';
import type { JobServices } from '../job-model/services.js';

export interface RunnerOptions {
	store: Pick<
		JobStore,
		'startStep' | 'completeStep' | 'succeedJob' | 'failJob'
	>;
	lease: JobLease;
	recorder: EventRecorder;
	delivery: EventDelivery;
	services: JobServices;
	maxAttempts: number;
	hooks: JobHooks;
	logger: Logger;
	/** True once the engine is shutting down: the job is handed back before its next step. */
	stopping: () => boolean;
}

/**
 * Runs the remaining steps of a job this worker holds: checkpoints each
 * step's result, delivers its events, and on failure retries, hands back or
 * fails the job.
 */
export class StepRunner {
	constructor( private readonly options: RunnerOptions ) {}

	async run(
		job: JobRecord,
		definition: JobDefinition,
		message: JobMessage,
		held: HeldLease
	) {
		const { store, lease, delivery, hooks, logger: log } = this.options;
		let current = job;
		let stepName = '';
		try {
			for ( const step of remainingSteps( definition, current.steps ) ) {
				if ( this.options.stopping() ) {
					await lease.release( job.jobId );
					message.nak( 0 );
					log.info(
						{ jobId: job.jobId, step: step.name },
						'handed job back on shutdown'
					);
					return;
				}
				await hooks.beforeStep?.( job.jobId, step.name );
				if ( held.lost() ) {
					throw new LeaseLostError();
				}
				stepName = step.name;
				current = stillHeld(
					await store.startStep( job.jobId, step.name, lease.owner )
				);
				log.info(
					{ jobId: job.jobId, step: step.name, worker: lease.owner },
					'step started'
				);
				const output = await step.run(
					this.context( current, step, held.heartbeat ),
					this.options.services
				);
				current = stillHeld(
					await store.completeStep(
						job.jobId,
						step.name,
						lease.owner,
						output,
						new Date().toISOString()
					)
				);
				await delivery.deliver( job.jobId, held.heartbeat );
			}
			await store.succeedJob( job.jobId, new Date().toISOString() );
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

	private context(
		job: JobRecord,
		step: StepDefinition,
		heartbeat: () => void
	): StepContext {
		return {
			job,
			emit: ( name, outcome, data = {}, message ) => {
				if ( ! step.emits.includes( name ) ) {
					throw new Error(
						`step ${ step.name } emits ${ name }, which its declaration does not list`
					);
				}
				return this.options.recorder.emit(
					job,
					runningStep( job ),
					name,
					outcome,
					data,
					message
				);
			},
			output: < T >( name: string ) => job.outputs[ name ] as T,
			deliver: ( again ) =>
				this.options.delivery.deliver( job.jobId, heartbeat, again ),
			heartbeat,
		};
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
			await this.options.lease.release( job.jobId );
			message.nak( retryDelayMs( message.deliveryCount ) );
			return;
		}
		await this.fail( job, definition, stepName, error as Error, message );
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
			await definition.cleanUp?.( job, this.options.services );
		} catch ( cleanUpError ) {
			this.options.logger.warn(
				{ jobId: job.jobId, err: cleanUpError },
				'clean-up after failure failed'
			);
		}
		await this.options.recorder.emit(
			job,
			step || 'job',
			definition.failureEvent,
			'failed',
			{ code },
			text
		);
		await this.options.store.failJob(
			job.jobId,
			{ step, code, message: text },
			new Date().toISOString()
		);
		await this.options.delivery.finish( job.jobId, message );
	}
}

/** The record of a step write, which is missing when this worker lost the lease. */
function stillHeld( record: JobRecord | undefined ): JobRecord {
	if ( ! record ) {
		throw new LeaseLostError();
	}
	return record;
}
