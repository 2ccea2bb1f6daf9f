import type { JobMessage } from '../adapters/nats.js';
import {
	CallbackRefusedError,
	type CallbackAnswer,
	type EventCallback,
} from '../adapters/wordpress.js';
import type { DeadLetters } from '../events/dead-letters.js';
import type { BridgeEvent } from '../events/event.js';
import type { EventLog } from '../events/log.js';
import type { JobStore } from '../job-model/job.js';
import { PermanentJobError } from './errors.js';
import type { Logger } from './logger.js';
import { retryDelayMs } from './retry.js';

/** The job failure code of events WordPress refused (kept as a dead letter). */
export const CALLBACK_REFUSED = 'callback_refused';

const EVENT_BATCH = 100;

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

/**
 * Delivers a job's recorded events to WordPress in seq order and advances
 * the job's delivered mark as WordPress accepts them.
 */
export class EventDelivery {
	constructor(
		private readonly options: {
			store: Pick< JobStore, 'getJob' | 'markDelivered' >;
			events: Pick< EventLog, 'after' >;
			callback: Pick< EventCallback, 'deliver' >;
			deadLetters: Pick< DeadLetters, 'add' >;
			ackWaitMs: number;
			logger: Logger;
		}
	) {}

	/**
	 * Sends WordPress every recorded event after the delivered mark, in seq
	 * order and without gaps, then advances the mark; re-sends `again` after.
	 * Events WordPress refuses become a dead letter, count as delivered (they
	 * are not resent by themselves) and fail the job: a `PermanentJobError`
	 * with code `callback_refused`.
	 */
	deliver(
		jobId: string,
		heartbeat: () => void,
		again?: BridgeEvent
	): Promise< CallbackAnswer | undefined > {
		return this.deliverPending( jobId, heartbeat, 'in-order', again );
	}

	/** Delivers what a finished job has left, then acknowledges its message. */
	async finish(
		jobId: string,
		message: Pick< JobMessage, 'working' | 'ack' | 'nak' | 'deliveryCount' >
	) {
		try {
			await this.deliverPending(
				jobId,
				() => message.working(),
				'finished'
			);
			message.ack();
		} catch ( error ) {
			if (
				error instanceof PermanentJobError &&
				error.code === CALLBACK_REFUSED
			) {
				// Kept as a dead letter: nothing is left to send.
				message.ack();
				return;
			}
			this.options.logger.warn(
				{ jobId, err: error },
				'event delivery failed; will retry'
			);
			message.nak( retryDelayMs( message.deliveryCount ) );
		}
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
		const { store, events } = this.options;
		const patienceMs = Math.max(
			1000,
			Math.floor( this.options.ackWaitMs / 2 )
		);
		let answer: CallbackAnswer | undefined;
		for ( let round = 0; round < 100; round++ ) {
			const job = await store.getJob( jobId );
			if ( ! job ) {
				break;
			}
			const recorded = await events.after(
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
			answer = await this.send( jobId, pending, patienceMs, heartbeat );
			const last = pending[ pending.length - 1 ]?.seq ?? job.deliveredSeq;
			await store.markDelivered( jobId, last );
		}
		if ( again ) {
			// WordPress applies each (jobId, seq) once; re-sending returns its answer.
			answer = await this.send( jobId, [ again ], patienceMs, heartbeat );
		}
		return answer;
	}

	/**
	 * Sends one batch. A refusal is final for these events: they are kept as a
	 * dead letter and marked delivered, so no retry of the job sends them again.
	 */
	private async send(
		jobId: string,
		batch: BridgeEvent[],
		patienceMs: number,
		heartbeat: () => void
	): Promise< CallbackAnswer > {
		const { store, callback, deadLetters, logger } = this.options;
		try {
			return await callback.deliver( batch, { patienceMs, heartbeat } );
		} catch ( error ) {
			if ( ! ( error instanceof CallbackRefusedError ) ) {
				throw error;
			}
			const first = batch[ 0 ]!;
			const last = batch[ batch.length - 1 ]!;
			const letter = await deadLetters.add(
				{
					jobId,
					appName: first.appName,
					environment: first.environment,
					events: batch,
					httpStatus: error.status,
					answer: error.reason,
				},
				new Date()
			);
			await store.markDelivered( jobId, last.seq );
			logger.warn(
				{ jobId, letterId: letter.letterId, status: error.status },
				'WordPress refused job events; kept as a dead letter'
			);
			throw new PermanentJobError(
				CALLBACK_REFUSED,
				`WordPress refused events ${ first.seq }–${ last.seq } of this job (HTTP ${ error.status }: ${ error.reason.slice( 0, 1000 ) }). They are kept as refused callback ${ letter.letterId }; once the cause is fixed, an administrator delivers them again from Orbit → Refused callbacks.`
			);
		}
	}
}
