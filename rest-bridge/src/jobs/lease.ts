import type { JobMessage } from '../adapters/nats.js';
import type { JobRecord, JobStore } from '../job-model/job.js';

/** This worker no longer holds the job: another replica took it over. */
export class LeaseLostError extends Error {}

/** A job this worker holds while it runs it. */
export interface HeldLease {
	/** Tells JetStream the job is still being worked on. */
	heartbeat: () => void;
	/** True once a renewal found the lease taken by another worker. */
	lost: () => boolean;
	stop: () => void;
}

/**
 * The lease on a job: only its owner may start or finish a step. A lease
 * lasts the JetStream ack wait, so a job whose worker died is taken over
 * by the replica that receives its redelivered message.
 */
export class JobLease {
	constructor(
		private readonly store: Pick<
			JobStore,
			'claimLease' | 'renewLease' | 'releaseLease'
		>,
		readonly owner: string,
		private readonly ackWaitMs: number,
		private readonly now: () => number = Date.now
	) {}

	/** Takes the job when its lease is free, expired or ours; undefined when another worker holds it. */
	claim( jobId: string ): Promise< JobRecord | undefined > {
		const now = this.now();
		return this.store.claimLease(
			jobId,
			this.owner,
			now,
			now + this.ackWaitMs
		);
	}

	renew( jobId: string ): Promise< boolean > {
		return this.store.renewLease(
			jobId,
			this.owner,
			this.now() + this.ackWaitMs
		);
	}

	release( jobId: string ): Promise< void > {
		return this.store.releaseLease( jobId, this.owner );
	}

	/** Heartbeats to JetStream and lease renewals while this worker runs a job. */
	hold( jobId: string, message: Pick< JobMessage, 'working' > ): HeldLease {
		let lost = false;
		const timer = setInterval(
			() => {
				message.working();
				void this.renew( jobId ).then( ( ok ) => {
					lost = lost || ! ok;
				} );
			},
			Math.max( 500, Math.floor( this.ackWaitMs / 3 ) )
		);
		return {
			heartbeat: () => message.working(),
			lost: () => lost,
			stop: () => clearInterval( timer ),
		};
	}
}
