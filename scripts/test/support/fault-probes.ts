/**
 * What the fault matrix looks at, each through the service's real client: the supervisor's
 * state file, the job's event log (DynamoDB), the event stream (JetStream), the events
 * WordPress applied (MariaDB), every store's contents, and a live client that follows a job
 * over the NATS websocket the way the console does in the browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	ListBucketsCommand,
	ListObjectsV2Command,
	type S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
	DynamoDBDocumentClient,
	GetCommand,
	QueryCommand,
	ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { jwtAuthenticator, wsconnect } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { expect } from 'vitest';
import WebSocket from 'ws';

import {
	accountUserAuthenticator,
	mintLiveUser,
} from '../../../rest-bridge/src/nats-auth/users';
// @ts-expect-error -- plain ESM scripts without type declarations.
import { healthAnswers, readSupervisorState } from '../../lib/supervisor.mjs';
import {
	type StackDescription,
	basicAuth,
	exec,
	s3Client,
} from './service-checks';

export type FaultStack = StackDescription & {
	mariadb: {
		port: number;
		user: string;
		password: string;
		database: string;
	};
	gitops: { url: string; path: string };
};

export interface StartedJob {
	kind: string;
	jobId: string;
	appName: string;
}

export interface RecordedEvent {
	jobId: string;
	seq: number;
	name: string;
	outcome: string;
	message?: string;
	data: Record< string, unknown >;
}

export interface JobRecord {
	jobId: string;
	status: string;
	steps: Record< string, { status: string; runs: number } >;
	lease?: unknown;
	error?: { step: string; code: string; message: string };
}

/** Everything the stores hold, as `entry → value` maps compared before and after a fault. */
export type Snapshot = Record< string, Record< string, string > >;

export interface JobDriver {
	kind: string;
	/** The events of a successful job, in order. */
	events: string[];
	/** Starts a job for a new app called after `name`. */
	start: ( probe: StackProbe, name: string ) => Promise< StartedJob >;
	/** What a finished job leaves, and that nothing is half-done (before/after the job). */
	checkFinished: (
		probe: StackProbe,
		job: StartedJob,
		before: Snapshot,
		after: Snapshot
	) => Promise< void >;
}

/** The job record is finished, every step done, and no replica holds it any more. */
export async function expectJobReleased( probe: StackProbe, jobId: string ) {
	const record = await probe.jobRecord( jobId );
	expect( record?.status ).toBe( 'succeeded' );
	expect( record?.lease ).toBeUndefined();
	expect(
		Object.values( record?.steps ?? {} ).every(
			( step ) => step.status === 'done'
		)
	).toBe( true );
}

interface Supervised {
	pid: number;
	state: string;
	restarts: number;
	health: object;
}

const TABLE_PREFIX = 'orbit-';
const BUCKET_PREFIX = 'orbit-';

async function until< T >(
	what: string,
	check: () => Promise< T | undefined >,
	timeoutMs: number,
	everyMs = 200
): Promise< T > {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while ( Date.now() < deadline ) {
		try {
			const value = await check();
			if ( value !== undefined ) {
				return value;
			}
		} catch ( error ) {
			// Expected while the killed service is down; shown if it never comes back.
			last = ( error as Error ).message;
		}
		await sleep( everyMs );
	}
	throw new Error(
		`timed out after ${ timeoutMs / 1000 } s waiting for ${ what }${ last ? ` (last error: ${ last })` : '' }`
	);
}

export class StackProbe {
	readonly s3: S3Client;
	private readonly dynamo: DynamoDBDocumentClient;

	/**
	 * @param stack   The running stack (stack.json).
	 * @param archive The image archive the jobs upload.
	 */
	constructor(
		readonly stack: FaultStack,
		readonly archive: string
	) {
		this.s3 = s3Client( stack );
		this.dynamo = DynamoDBDocumentClient.from(
			new DynamoDBClient( {
				endpoint: stack.dynamodb.endpoint,
				region: stack.dynamodb.region,
				credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
				maxAttempts: 1,
			} )
		);
	}

	close() {
		this.s3.destroy();
		this.dynamo.destroy();
	}

	get operator() {
		const user = this.stack.wordpress.users.find(
			( u ) => u.role === 'orbit_operator'
		);
		if ( ! user ) {
			throw new Error( 'The stack has no operator login.' );
		}
		return user;
	}

	/** The supervisor's view of one service. */
	supervised( service: string ): Supervised {
		const state = readSupervisorState( this.stack.dataDir );
		const entry = state?.services?.[ service ] as Supervised | undefined;
		if ( ! entry ) {
			throw new Error( `The supervisor does not know ${ service }.` );
		}
		return entry;
	}

	kill( service: string ) {
		const { pid } = this.supervised( service );
		process.kill( pid, 'SIGKILL' );
		return { pid, at: Date.now() };
	}

	/**
	 * Freezes the service for `ms`, as a process blocked on a slow disk is: alive, holding its
	 * connections, answering nothing until the disk catches up.
	 */
	async stall( service: string, ms: number ) {
		const { pid } = this.supervised( service );
		process.kill( pid, 'SIGSTOP' );
		try {
			await sleep( ms );
		} finally {
			process.kill( pid, 'SIGCONT' );
		}
		return pid;
	}

	/** Waits until the supervisor has started the service again and it answers. */
	waitForRestart( service: string, killed: { pid: number } ) {
		return until(
			`${ service } to be restarted`,
			async () => {
				const entry = this.supervised( service );
				return entry.pid !== killed.pid &&
					entry.state === 'running' &&
					( await healthAnswers( entry.health ) )
					? entry
					: undefined;
			},
			60_000
		);
	}

	waitForState( service: string, state: string ) {
		return until(
			`${ service } to be ${ state }`,
			async () => {
				const entry = this.supervised( service );
				return entry.state === state ? entry : undefined;
			},
			90_000,
			500
		);
	}

	/** The job as the console sees it, through WordPress (which asks the bridge). */
	async job( jobId: string ): Promise< JobRecord > {
		const response = await fetch(
			`${ this.stack.wordpress.restUrl }/k8or-orbit/v1/jobs/${ jobId }`,
			{
				headers: {
					Authorization: basicAuth(
						this.operator.login,
						this.operator.applicationPassword
					),
				},
				signal: AbortSignal.timeout( 10_000 ),
			}
		);
		if ( ! response.ok ) {
			throw new Error( `GET job answered ${ response.status }` );
		}
		return ( await response.json() ) as JobRecord;
	}

	waitForJob( jobId: string ) {
		return until(
			`job ${ jobId } to finish`,
			async () => {
				const job = await this.job( jobId );
				return [ 'succeeded', 'failed' ].includes( job.status )
					? job
					: undefined;
			},
			150_000,
			300
		);
	}

	/** The job's event log in DynamoDB, oldest first. */
	async jobEvents( jobId: string ): Promise< RecordedEvent[] > {
		const answer = await this.dynamo.send(
			new QueryCommand( {
				TableName: `${ TABLE_PREFIX }events`,
				KeyConditionExpression: 'jobId = :job',
				ExpressionAttributeValues: { ':job': jobId },
			} )
		);
		return ( answer.Items ?? [] ) as RecordedEvent[];
	}

	async jobRecord( jobId: string ) {
		const answer = await this.dynamo.send(
			new GetCommand( {
				TableName: `${ TABLE_PREFIX }jobs`,
				Key: { jobId },
			} )
		);
		return answer.Item as JobRecord | undefined;
	}

	waitForEvent( jobId: string, name: string ) {
		return until(
			`event ${ name } of job ${ jobId }`,
			async () =>
				( await this.jobEvents( jobId ) ).some(
					( e ) => e.name === name
				)
					? true
					: undefined,
			60_000,
			50
		);
	}

	private async withNats< T >(
		work: ( nc: Awaited< ReturnType< typeof connect > > ) => Promise< T >
	) {
		const nc = await connect( {
			servers: this.stack.nats.url,
			authenticator: await accountUserAuthenticator(
				this.stack.nats.accountSeed,
				'fault-probe'
			),
		} );
		try {
			return await work( nc );
		} finally {
			await nc.close();
		}
	}

	/** Every message of the events stream on `subject`, as "msg id" → seq in the event. */
	private streamMessages( subject: string ) {
		return this.withNats( async ( nc ) => {
			const consumer = await jetstream( nc ).consumers.get(
				'ORBIT_EVENTS',
				{ filter_subjects: subject, deliver_policy: DeliverPolicy.All }
			);
			const messages: Array< { id: string; seq: number } > = [];
			for (;;) {
				const message = await consumer.next( { expires: 1000 } );
				if ( ! message ) {
					return messages;
				}
				const event = message.json< RecordedEvent >();
				messages.push( {
					id: `${ event.jobId }:${ event.seq }`,
					seq: event.seq,
				} );
			}
		} );
	}

	/** The seqs of the job's events in the JetStream stream, in stream order. */
	async streamedSeqs( job: StartedJob ) {
		return (
			await this.streamMessages(
				`orbit.events.${ job.appName }.${ job.jobId }`
			)
		).map( ( m ) => m.seq );
	}

	async sql( query: string ): Promise< string[] > {
		const { mariadb } = this.stack;
		const { stdout } = await exec( 'mariadb', [
			'--no-defaults',
			'--protocol=TCP',
			'-h',
			'127.0.0.1',
			'-P',
			String( mariadb.port ),
			'-u',
			mariadb.user,
			`-p${ mariadb.password }`,
			'-N',
			'-B',
			'-e',
			query,
			mariadb.database,
		] );
		return stdout.split( '\n' ).filter( Boolean );
	}

	/** The seqs of the job's events WordPress applied (its once-only table). */
	async appliedSeqs( jobId: string ) {
		if ( ! /^[A-Za-z0-9_-]+$/.test( jobId ) ) {
			throw new Error( `unexpected job id ${ jobId }` );
		}
		return (
			await this.sql(
				`SELECT seq FROM wp_orbit_applied_events WHERE job_id = '${ jobId }' ORDER BY seq`
			)
		).map( Number );
	}

	async bucketObjects( bucket: string ) {
		const objects: Record< string, string > = {};
		let token: string | undefined;
		do {
			const page = await this.s3.send(
				new ListObjectsV2Command( {
					Bucket: bucket,
					ContinuationToken: token,
				} )
			);
			for ( const object of page.Contents ?? [] ) {
				objects[ object.Key ?? '' ] =
					`${ object.Size }:${ object.ETag }`;
			}
			token = page.NextContinuationToken;
		} while ( token );
		return objects;
	}

	private async registryContents() {
		const base = this.stack.registry.url;
		const contents: Record< string, string > = {};
		const catalog = ( await (
			await fetch( `${ base }/v2/_catalog` )
		).json() ) as { repositories: string[] };
		for ( const repository of catalog.repositories ) {
			const { tags } = ( await (
				await fetch( `${ base }/v2/${ repository }/tags/list` )
			).json() ) as { tags: string[] | null };
			for ( const tag of tags ?? [] ) {
				const head = await fetch(
					`${ base }/v2/${ repository }/manifests/${ tag }`,
					{
						method: 'HEAD',
						headers: {
							Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
						},
					}
				);
				contents[ `${ repository }:${ tag }` ] =
					head.headers.get( 'docker-content-digest' ) ?? '';
			}
		}
		return contents;
	}

	/** What every store holds now. */
	async snapshot(): Promise< Snapshot > {
		const buckets = (
			await this.s3.send( new ListBucketsCommand( {} ) )
		).Buckets?.map( ( b ) => b.Name ?? '' ).filter( ( name ) =>
			name.startsWith( BUCKET_PREFIX )
		);
		const s3: Record< string, string > = {};
		for ( const bucket of buckets ?? [] ) {
			for ( const [ key, value ] of Object.entries(
				await this.bucketObjects( bucket )
			) ) {
				s3[ `${ bucket }/${ key }` ] = value;
			}
		}
		const scan = async (
			table: string,
			key: ( item: Record< string, unknown > ) => string,
			value: ( item: Record< string, unknown > ) => string
		) => {
			const entries: Record< string, string > = {};
			let start: Record< string, unknown > | undefined;
			do {
				const page = await this.dynamo.send(
					new ScanCommand( {
						TableName: `${ TABLE_PREFIX }${ table }`,
						ExclusiveStartKey: start,
					} )
				);
				for ( const item of page.Items ?? [] ) {
					entries[ key( item ) ] = value( item );
				}
				start = page.LastEvaluatedKey;
			} while ( start );
			return entries;
		};
		const finishedJobs = Object.fromEntries(
			Object.entries(
				await scan(
					'jobs',
					( item ) => String( item.jobId ),
					( item ) => String( item.status )
				)
			).filter( ( [ , status ] ) =>
				[ 'succeeded', 'failed' ].includes( status )
			)
		);
		const git = await exec( 'git', [
			`--git-dir=${ this.stack.gitops.path }`,
			'rev-list',
			'main',
		] );
		return {
			s3,
			dynamodbJobs: finishedJobs,
			dynamodbEvents: await scan(
				'events',
				( item ) => `${ item.jobId }:${ item.seq }`,
				( item ) => String( item.name )
			),
			jetstream: Object.fromEntries(
				( await this.streamMessages( 'orbit.events.>' ) ).map(
					( m ) => [ m.id, '' ]
				)
			),
			mariadbApplied: Object.fromEntries(
				(
					await this.sql(
						"SELECT CONCAT(job_id, ':', seq), event_name FROM wp_orbit_applied_events"
					)
				).map( ( row ) => row.split( '\t' ) as [ string, string ] )
			),
			mariadbApps: Object.fromEntries(
				(
					await this.sql(
						"SELECT post_name, ID FROM wp_posts WHERE post_type = 'orbit_app' AND post_status = 'publish'"
					)
				).map( ( row ) => row.split( '\t' ) as [ string, string ] )
			),
			gitHistory: Object.fromEntries(
				git.stdout
					.split( '\n' )
					.filter( Boolean )
					.map( ( commit ) => [ commit, '' ] )
			),
			registry: await this.registryContents(),
		};
	}

	/** Every entry of `before` is in `after`, unchanged. */
	expectKept( before: Snapshot, after: Snapshot ) {
		const lost: string[] = [];
		for ( const [ store, entries ] of Object.entries( before ) ) {
			for ( const [ entry, value ] of Object.entries( entries ) ) {
				if ( after[ store ]?.[ entry ] !== value ) {
					lost.push(
						`${ store }: ${ entry } was ${ JSON.stringify( value ) }, now ${ JSON.stringify( after[ store ]?.[ entry ] ) }`
					);
				}
			}
		}
		if ( lost.length > 0 ) {
			throw new Error(
				`Data written before the fault changed:\n${ lost.join( '\n' ) }`
			);
		}
		return true;
	}

	/**
	 * Follows one job's events over the NATS websocket with a browser's kind of credentials
	 * (minted as the bridge mints them for GET /live, for this job only), connected and
	 * subscribed the way the console's followJobLive() does in the browser.
	 */
	async followLive( { appName, jobId }: { appName: string; jobId: string } ) {
		( globalThis as { WebSocket?: unknown } ).WebSocket ??= WebSocket;
		const subject = `orbit.events.${ appName }.${ jobId }`;
		const credentials = await mintLiveUser( this.stack.nats.accountSeed, {
			name: 'fault-probe-browser',
			subjects: [ subject ],
			ttlSeconds: 3600,
		} );
		const connection = await wsconnect( {
			servers: this.stack.nats.websocketUrl,
			authenticator: jwtAuthenticator(
				credentials.jwt,
				new TextEncoder().encode( credentials.seed )
			),
			name: 'k8or-orbit-console',
			maxReconnectAttempts: 10,
		} );
		const received: Array< { name: string; at: number } > = [];
		let reconnects = 0;
		void ( async () => {
			for await ( const status of connection.status() ) {
				if ( status.type === 'reconnect' ) {
					reconnects++;
				}
			}
		} )();
		const subscription = connection.subscribe( subject );
		void ( async () => {
			for await ( const message of subscription ) {
				received.push( {
					name: message.json< RecordedEvent >().name,
					at: Date.now(),
				} );
			}
		} )();
		await connection.flush();
		return {
			reconnects: () => reconnects,
			/** Waits until the event arrived, and says when. */
			arrival: ( name: string ) =>
				until(
					`live event ${ name }`,
					async () => received.find( ( r ) => r.name === name )?.at,
					30_000,
					100
				),
			close: () => connection.close(),
		};
	}
}

/** The bytes of a file, for comparing sizes with what the stores hold. */
export function fileSize( file: string ) {
	return fs.statSync( path.resolve( file ) ).size;
}
