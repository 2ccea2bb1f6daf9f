import type { JobError, JobRecord, JobStore } from '../job-model/job.js';
import type { DocumentStore, Item } from './dynamo.js';

const DONE = 'done';

/** The job store's operations as conditional DynamoDB writes on the jobs table. */
export class DynamoJobStore implements JobStore {
	constructor(
		private readonly store: DocumentStore,
		private readonly table: string
	) {}

	createJob( job: JobRecord ) {
		return this.store.putIfAbsent(
			this.table,
			job as unknown as Item,
			'jobId'
		);
	}

	async getJob( jobId: string ) {
		return ( await this.store.get( this.table, { jobId } ) ) as
			JobRecord | undefined;
	}

	async claimLease(
		jobId: string,
		owner: string,
		now: number,
		until: number
	) {
		return ( await this.store.update(
			this.table,
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
					':lease': { owner, until },
					':running': 'running',
					':iso': new Date( now ).toISOString(),
					':now': now,
					':me': owner,
				},
			}
		) ) as JobRecord | undefined;
	}

	async renewLease( jobId: string, owner: string, until: number ) {
		const updated = await this.store.update(
			this.table,
			{ jobId },
			{
				update: 'SET lease.#until = :until',
				condition: 'lease.#owner = :me',
				names: { '#until': 'until', '#owner': 'owner' },
				values: { ':until': until, ':me': owner },
			}
		);
		return updated !== undefined;
	}

	async releaseLease( jobId: string, owner: string ) {
		await this.store.update(
			this.table,
			{ jobId },
			{
				update: 'REMOVE lease',
				condition: 'lease.#owner = :me',
				names: { '#owner': 'owner' },
				values: { ':me': owner },
			}
		);
	}

	startStep( jobId: string, step: string, owner: string ) {
		return this.updateUnfinishedStep(
			jobId,
			step,
			owner,
			'SET steps.#step.#status = :running, steps.#step.runs = steps.#step.runs + :one',
			{ ':running': 'running', ':one': 1 }
		);
	}

	completeStep(
		jobId: string,
		step: string,
		owner: string,
		output: unknown,
		at: string
	) {
		return this.updateUnfinishedStep(
			jobId,
			step,
			owner,
			'SET steps.#step.#status = :done, steps.#step.completedBy = :me, steps.#step.completedAt = :now, outputs.#step = :output, updatedAt = :now',
			{ ':now': at, ':output': output ?? null }
		);
	}

	/** Updates a step that is not done yet, only while `owner` holds the job's lease. */
	private async updateUnfinishedStep(
		jobId: string,
		step: string,
		owner: string,
		update: string,
		values: Record< string, unknown >
	) {
		return ( await this.store.update(
			this.table,
			{ jobId },
			{
				update,
				condition:
					'lease.#owner = :me AND steps.#step.#status <> :done',
				names: {
					'#step': step,
					'#status': 'status',
					'#owner': 'owner',
				},
				values: { ...values, ':me': owner, ':done': DONE },
			}
		) ) as JobRecord | undefined;
	}

	async allocateSeq( jobId: string, event: string ) {
		const updated = await this.store.update(
			this.table,
			{ jobId },
			{
				update: 'SET eventSeqs.#name = nextSeq + :one, nextSeq = nextSeq + :one',
				condition: 'attribute_not_exists(eventSeqs.#name)',
				names: { '#name': event },
				values: { ':one': 1 },
			}
		);
		const job = ( updated ?? ( await this.getJob( jobId ) ) ) as
			JobRecord | undefined;
		const seq = job?.eventSeqs?.[ event ];
		return typeof seq === 'number' ? seq : undefined;
	}

	async markDelivered( jobId: string, seq: number ) {
		await this.store.update(
			this.table,
			{ jobId },
			{
				update: 'SET deliveredSeq = :last',
				condition: 'deliveredSeq < :last',
				values: { ':last': seq },
			}
		);
	}

	async succeedJob( jobId: string, at: string ) {
		await this.store.update(
			this.table,
			{ jobId },
			{
				update: 'SET #status = :status, updatedAt = :now REMOVE lease',
				names: { '#status': 'status' },
				values: { ':status': 'succeeded', ':now': at },
			}
		);
	}

	async failJob( jobId: string, error: JobError, at: string ) {
		await this.store.update(
			this.table,
			{ jobId },
			{
				update: 'SET #status = :failed, #error = :error, updatedAt = :now REMOVE lease',
				names: { '#status': 'status', '#error': 'error' },
				values: { ':failed': 'failed', ':error': error, ':now': at },
			}
		);
	}
}
