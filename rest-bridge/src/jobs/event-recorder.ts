import type { MessageBus } from '../adapters/nats.js';
import {
	broadcastEvent,
	eventSubject,
	type BridgeEvent,
	type EventOutcome,
} from '../events/event.js';
import type { EventLog } from '../events/log.js';
import type { JobRecord, JobStore } from '../job-model/job.js';
import type { JobHooks } from './hooks.js';

/** WordPress keeps event messages up to this length. */
const MAX_MESSAGE_LENGTH = 2000;

/**
 * Emits job events: one seq per (job, event name), so a retried step
 * re-emits with the seq of its first try; the event is recorded in the
 * event log (first write wins) and published on the bus.
 */
export class EventRecorder {
	constructor(
		private readonly options: {
			store: Pick< JobStore, 'allocateSeq' >;
			events: Pick< EventLog, 'record' >;
			bus: Pick< MessageBus, 'publishEvent' >;
			hooks: JobHooks;
		}
	) {}

	async emit(
		job: JobRecord,
		step: string,
		name: string,
		outcome: EventOutcome,
		data: Record< string, unknown >,
		message: string | undefined
	): Promise< BridgeEvent > {
		await this.options.hooks.beforeEvent?.( job.jobId, name );
		const seq = await this.options.store.allocateSeq( job.jobId, name );
		if ( seq === undefined ) {
			throw new Error(
				`could not allocate an event seq for ${ job.jobId }/${ name }`
			);
		}
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
			broadcastEvent( event ),
			`${ event.jobId }:${ event.seq }`
		);
		return event;
	}
}

/** The step a job record shows running, or `job` between steps. */
export function runningStep( job: JobRecord ): string {
	return (
		job.stepNames.find(
			( name ) => job.steps[ name ]?.status === 'running'
		) ?? 'job'
	);
}
