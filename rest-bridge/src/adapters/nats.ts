import { connect } from '@nats-io/transport-node';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import {
	AckPolicy,
	DeliverPolicy,
	DiscardPolicy,
	RetentionPolicy,
	StorageType,
	jetstream,
	jetstreamManager,
	type Consumer,
	type ConsumerConfig,
	type JetStreamClient,
	type JetStreamManager,
	type StreamConfig,
} from '@nats-io/jetstream';
import type { BridgeConfig } from '../config.js';
import { accountUserAuthenticator } from '../nats-auth/users.js';

export const JOBS_STREAM = 'ORBIT_JOBS';
export const JOBS_SUBJECTS = 'orbit.jobs.>';
export const EVENTS_STREAM = 'ORBIT_EVENTS';
export const EVENTS_SUBJECTS = 'orbit.events.>';
/** The one durable pull consumer every bridge replica shares. */
export const JOBS_CONSUMER = 'orbit-bridge-workers';

export interface JobMessage {
	jobId: string;
	kind: string;
	deliveryCount: number;
	ack: () => void;
	nak: ( delayMs: number ) => void;
	/** Tells the server the job is still being worked on (resets ack wait). */
	working: () => void;
}

export interface MessageBus {
	enqueueJob: ( kind: string, jobId: string ) => Promise< void >;
	publishEvent: (
		subject: string,
		payload: unknown,
		messageId: string
	) => Promise< void >;
	/** Next job message, or null when none arrived within waitMs. */
	nextJob: ( waitMs: number ) => Promise< JobMessage | null >;
	ensureStreams: ( ackWaitMs: number ) => Promise< string[] >;
	ping: () => Promise< void >;
	drain: () => Promise< void >;
}

export class NatsMessageBus implements MessageBus {
	private readonly js: JetStreamClient;
	private jobsConsumer: Promise< Consumer > | undefined;

	private constructor(
		private readonly connection: NatsConnection,
		private readonly manager: JetStreamManager
	) {
		this.js = jetstream( connection );
	}

	static async connect(
		config: BridgeConfig[ 'nats' ],
		name: string
	): Promise< NatsMessageBus > {
		const connection = await connect( {
			servers: config.url,
			name,
			...( config.accountSeed
				? {
						authenticator: await accountUserAuthenticator(
							config.accountSeed,
							name
						),
					}
				: {} ),
			maxReconnectAttempts: -1,
		} );
		return new NatsMessageBus(
			connection,
			await jetstreamManager( connection )
		);
	}

	async enqueueJob( kind: string, jobId: string ) {
		// The job id as message id: JetStream drops a second enqueue of the same job.
		await this.js.publish(
			`orbit.jobs.${ kind }`,
			JSON.stringify( { jobId, kind } ),
			{
				msgID: jobId,
			}
		);
	}

	async publishEvent( subject: string, payload: unknown, messageId: string ) {
		await this.js.publish( subject, JSON.stringify( payload ), {
			msgID: messageId,
		} );
	}

	async nextJob( waitMs: number ): Promise< JobMessage | null > {
		this.jobsConsumer ??= this.js.consumers.get(
			JOBS_STREAM,
			JOBS_CONSUMER
		);
		let message;
		try {
			message = await (
				await this.jobsConsumer
			).next( { expires: waitMs } );
		} catch ( error ) {
			// Look the consumer up again next time (it may have been recreated).
			this.jobsConsumer = undefined;
			throw error;
		}
		if ( ! message ) {
			return null;
		}
		let parsed: { jobId?: unknown; kind?: unknown } = {};
		try {
			parsed = JSON.parse( new TextDecoder().decode( message.data ) );
		} catch {
			// A message that is not a job can never succeed.
			message.term( 'not a job message' );
			return null;
		}
		if (
			typeof parsed.jobId !== 'string' ||
			typeof parsed.kind !== 'string'
		) {
			message.term( 'not a job message' );
			return null;
		}
		return {
			jobId: parsed.jobId,
			kind: parsed.kind,
			deliveryCount: message.info.deliveryCount,
			ack: () => message.ack(),
			nak: ( delayMs ) => message.nak( delayMs ),
			working: () => message.working(),
		};
	}

	async ensureStreams( ackWaitMs: number ) {
		const done: string[] = [];
		const jobs: Partial< StreamConfig > & { name: string } = {
			name: JOBS_STREAM,
			subjects: [ JOBS_SUBJECTS ],
			retention: RetentionPolicy.Workqueue,
			storage: StorageType.File,
			duplicate_window: nanos( 10 * 60 * 1000 ),
			max_msg_size: 64 * 1024,
		};
		const events: Partial< StreamConfig > & { name: string } = {
			name: EVENTS_STREAM,
			subjects: [ EVENTS_SUBJECTS ],
			retention: RetentionPolicy.Limits,
			storage: StorageType.File,
			discard: DiscardPolicy.Old,
			max_age: nanos( 24 * 3600 * 1000 ),
			max_bytes: 512 * 1024 * 1024,
			max_msg_size: 1024 * 1024,
			duplicate_window: nanos( 10 * 60 * 1000 ),
		};
		for ( const stream of [ jobs, events ] ) {
			done.push(
				`stream ${ stream.name }: ${ await this.ensureStream( stream ) }`
			);
		}
		const consumer: Partial< ConsumerConfig > = {
			durable_name: JOBS_CONSUMER,
			ack_policy: AckPolicy.Explicit,
			deliver_policy: DeliverPolicy.All,
			ack_wait: nanos( ackWaitMs ),
			filter_subject: JOBS_SUBJECTS,
			max_ack_pending: 1000,
		};
		let state = 'exists';
		try {
			const info = await this.manager.consumers.info(
				JOBS_STREAM,
				JOBS_CONSUMER
			);
			if ( info.config.ack_wait !== consumer.ack_wait ) {
				await this.manager.consumers.update(
					JOBS_STREAM,
					JOBS_CONSUMER,
					{
						ack_wait: consumer.ack_wait,
					}
				);
				state = 'updated';
			}
		} catch ( error ) {
			if ( ! isNotFound( error ) ) {
				throw error;
			}
			await this.manager.consumers.add( JOBS_STREAM, consumer );
			state = 'created';
		}
		done.push( `consumer ${ JOBS_CONSUMER }: ${ state }` );
		return done;
	}

	private async ensureStream(
		config: Partial< StreamConfig > & { name: string }
	) {
		const { name } = config;
		try {
			await this.manager.streams.info( name );
			await this.manager.streams.update( name, config );
			return 'exists';
		} catch ( error ) {
			if ( ! isNotFound( error ) ) {
				throw error;
			}
		}
		await this.manager.streams.add( config );
		return 'created';
	}

	async ping() {
		await this.manager.streams.info( JOBS_STREAM );
	}

	async drain() {
		if ( this.connection.isClosed() ) {
			return;
		}
		try {
			await this.connection.drain();
		} catch ( error ) {
			// Without a server to drain to, stop reconnecting so the process can exit.
			await this.connection.close();
			throw error;
		}
	}
}

function isNotFound( error: unknown ): boolean {
	const message = String( ( error as Error )?.message ?? '' );
	const code = (
		error as { code?: unknown; api_error?: { err_code?: number } }
	 )?.api_error?.err_code;
	return code === 10059 || code === 10014 || /not found/i.test( message );
}
