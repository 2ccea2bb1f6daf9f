import type { JobError, JobRecord, JobStore } from '../../src/job-model/job.js';

/**
 * A stand-in for the DynamoDB job store that keeps jobs in memory and applies
 * each named operation's condition the way the conditional writes do.
 */
export class MemoryJobStore implements JobStore {
	readonly jobs = new Map< string, JobRecord >();

	private read( jobId: string ): JobRecord | undefined {
		const job = this.jobs.get( jobId );
		return job ? structuredClone( job ) : undefined;
	}

	private write( job: JobRecord ): JobRecord {
		this.jobs.set( job.jobId, structuredClone( job ) );
		return structuredClone( job );
	}

	async createJob( job: JobRecord ) {
		if ( this.jobs.has( job.jobId ) ) {
			return false;
		}
		this.write( job );
		return true;
	}

	async getJob( jobId: string ) {
		return this.read( jobId );
	}

	async claimLease(
		jobId: string,
		owner: string,
		now: number,
		until: number
	) {
		const job = this.read( jobId );
		if (
			! job ||
			( job.lease && job.lease.until >= now && job.lease.owner !== owner )
		) {
			return undefined;
		}
		return this.write( {
			...job,
			lease: { owner, until },
			status: 'running',
			updatedAt: new Date( now ).toISOString(),
		} );
	}

	async renewLease( jobId: string, owner: string, until: number ) {
		const job = this.read( jobId );
		if ( ! job?.lease || job.lease.owner !== owner ) {
			return false;
		}
		this.write( { ...job, lease: { owner, until } } );
		return true;
	}

	async releaseLease( jobId: string, owner: string ) {
		const job = this.read( jobId );
		if ( job?.lease?.owner === owner ) {
			delete job.lease;
			this.write( job );
		}
	}

	private unfinishedStep( jobId: string, step: string, owner: string ) {
		const job = this.read( jobId );
		const state = job?.steps[ step ];
		return job?.lease?.owner === owner && state && state.status !== 'done'
			? { job, state }
			: undefined;
	}

	async startStep( jobId: string, step: string, owner: string ) {
		const found = this.unfinishedStep( jobId, step, owner );
		if ( ! found ) {
			return undefined;
		}
		found.state.status = 'running';
		found.state.runs += 1;
		return this.write( found.job );
	}

	async completeStep(
		jobId: string,
		step: string,
		owner: string,
		output: unknown,
		at: string
	) {
		const found = this.unfinishedStep( jobId, step, owner );
		if ( ! found ) {
			return undefined;
		}
		Object.assign( found.state, {
			status: 'done',
			completedBy: owner,
			completedAt: at,
		} );
		found.job.outputs[ step ] = output ?? null;
		found.job.updatedAt = at;
		return this.write( found.job );
	}

	async allocateSeq( jobId: string, event: string ) {
		const job = this.read( jobId );
		if ( ! job ) {
			return undefined;
		}
		if ( job.eventSeqs[ event ] === undefined ) {
			job.nextSeq += 1;
			job.eventSeqs[ event ] = job.nextSeq;
			this.write( job );
		}
		return job.eventSeqs[ event ];
	}

	async markDelivered( jobId: string, seq: number ) {
		const job = this.read( jobId );
		if ( job && job.deliveredSeq < seq ) {
			this.write( { ...job, deliveredSeq: seq } );
		}
	}

	async succeedJob( jobId: string, at: string ) {
		this.finish( jobId, { status: 'succeeded', updatedAt: at } );
	}

	async failJob( jobId: string, error: JobError, at: string ) {
		this.finish( jobId, { status: 'failed', error, updatedAt: at } );
	}

	private finish( jobId: string, changes: Partial< JobRecord > ) {
		const job = this.read( jobId );
		if ( job ) {
			delete job.lease;
			this.write( { ...job, ...changes } );
		}
	}
}

/** A queued job record as the engine creates it. */
export function newJobRecord(
	jobId: string,
	stepNames: string[] = [ 'first', 'second' ]
): JobRecord {
	const now = new Date( 0 ).toISOString();
	return {
		jobId,
		kind: 'test',
		appName: 'hello-web',
		environment: 'dev',
		actor: { id: 1, login: 'admin' },
		input: {},
		status: 'queued',
		stepNames,
		steps: Object.fromEntries(
			stepNames.map( ( name ) => [
				name,
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
}
