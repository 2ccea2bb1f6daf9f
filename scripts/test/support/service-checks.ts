/**
 * Checks of a running stack through each service's real client, shared by the stack test.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import {
	CreateTableCommand,
	DeleteTableCommand,
	DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
	DynamoDBDocumentClient,
	PutCommand,
	QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
	CreateBucketCommand,
	GetObjectCommand,
	PutObjectCommand,
	S3Client,
} from '@aws-sdk/client-s3';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { jwtAuthenticator, wsconnect } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import WebSocket from 'ws';

import {
	accountUserAuthenticator,
	mintLiveUser,
} from '../../../rest-bridge/src/nats-auth/users';
import { buildImage } from '../../lib/images.mjs';

export const exec = promisify( execFile );

export interface StackDescription {
	dataDir: string;
	wordpress: {
		url: string;
		path: string;
		restUrl: string;
		adminUrl: string;
		users: Array< {
			login: string;
			password: string;
			applicationPassword: string;
			role: string;
		} >;
	};
	bridge: { url: string; secret: string };
	nats: {
		url: string;
		websocketUrl: string;
		/** Signs NATS users (operator mode), as the bridge does. */
		accountSeed: string;
	};
	s3: {
		endpoint: string;
		region: string;
		accessKeyId: string;
		secretAccessKey: string;
	};
	dynamodb: { endpoint: string; region: string };
	registry: { url: string };
	gitops: { url: string };
	mariadb: { port: number };
}

export function s3Client( stack: StackDescription ): S3Client {
	return new S3Client( {
		endpoint: stack.s3.endpoint,
		region: stack.s3.region,
		forcePathStyle: true,
		credentials: {
			accessKeyId: stack.s3.accessKeyId,
			secretAccessKey: stack.s3.secretAccessKey,
		},
	} );
}

export async function s3RoundTrip(
	stack: StackDescription,
	bucket: string,
	key: string,
	body: string
) {
	const client = s3Client( stack );
	try {
		await client
			.send( new CreateBucketCommand( { Bucket: bucket } ) )
			.catch( ( error: Error ) => {
				if (
					error.name !== 'BucketAlreadyOwnedByYou' &&
					error.name !== 'BucketAlreadyExists'
				) {
					throw error;
				}
			} );
		await client.send(
			new PutObjectCommand( { Bucket: bucket, Key: key, Body: body } )
		);
		return await s3Read( stack, bucket, key );
	} finally {
		client.destroy();
	}
}

export async function s3Read(
	stack: StackDescription,
	bucket: string,
	key: string
): Promise< string > {
	const client = s3Client( stack );
	try {
		const object = await client.send(
			new GetObjectCommand( { Bucket: bucket, Key: key } )
		);
		return ( await object.Body?.transformToString() ) ?? '';
	} finally {
		client.destroy();
	}
}

export async function dynamodbRoundTrip( stack: StackDescription ) {
	const client = new DynamoDBClient( {
		endpoint: stack.dynamodb.endpoint,
		region: stack.dynamodb.region,
		credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
	} );
	const documents = DynamoDBDocumentClient.from( client );
	const TableName = `stack-check-${ Date.now() }`;
	try {
		await client.send(
			new CreateTableCommand( {
				TableName,
				KeySchema: [
					{ AttributeName: 'pk', KeyType: 'HASH' },
					{ AttributeName: 'sk', KeyType: 'RANGE' },
				],
				AttributeDefinitions: [
					{ AttributeName: 'pk', AttributeType: 'S' },
					{ AttributeName: 'sk', AttributeType: 'S' },
				],
				BillingMode: 'PAY_PER_REQUEST',
			} )
		);
		for ( const sk of [ 'a', 'b', 'c' ] ) {
			await documents.send(
				new PutCommand( {
					TableName,
					Item: { pk: 'job-1', sk, value: sk.toUpperCase() },
				} )
			);
		}
		const result = await documents.send(
			new QueryCommand( {
				TableName,
				KeyConditionExpression: 'pk = :pk',
				ExpressionAttributeValues: { ':pk': 'job-1' },
				ScanIndexForward: false,
			} )
		);
		return result.Items?.map( ( item ) => item.value );
	} finally {
		await client
			.send( new DeleteTableCommand( { TableName } ) )
			.catch( () => undefined );
		client.destroy();
	}
}

/** Publishes through JetStream as the bridge user and reads the message back from the stream. */
export async function jetstreamRoundTrip(
	stack: StackDescription,
	payload: string
) {
	const nc = await connect( {
		servers: stack.nats.url,
		authenticator: await accountUserAuthenticator(
			stack.nats.accountSeed,
			'stack-check'
		),
	} );
	const stream = `STACK_CHECK_${ Date.now() }`;
	try {
		const jsm = await jetstreamManager( nc );
		await jsm.streams.add( {
			name: stream,
			subjects: [ `stackcheck.${ stream }.>` ],
		} );
		const js = jetstream( nc );
		const ack = await js.publish( `stackcheck.${ stream }.one`, payload );
		const consumer = await js.consumers.get( stream );
		const message = await consumer.next( { expires: 5000 } );
		message?.ack();
		await jsm.streams.delete( stream );
		return { seq: ack.seq, received: message?.string() };
	} finally {
		await nc.close();
	}
}

/**
 * Subscribes over the websocket as a browser's short-lived user (minted as the bridge mints
 * them for GET /live) and receives what a trusted user publishes on its job's subject; also
 * reports whether the browser's user was refused a publish.
 */
export async function websocketLiveRoundTrip(
	stack: StackDescription,
	payload: string
) {
	( globalThis as { WebSocket?: unknown } ).WebSocket ??= WebSocket;
	const subject = `orbit.events.stack-check.${ randomUUID() }`;
	const credentials = await mintLiveUser( stack.nats.accountSeed, {
		name: 'stack-check',
		subjects: [ subject ],
		ttlSeconds: 60,
	} );
	const live = await wsconnect( {
		servers: stack.nats.websocketUrl,
		authenticator: jwtAuthenticator(
			credentials.jwt,
			new TextEncoder().encode( credentials.seed )
		),
	} );
	const bridge = await connect( {
		servers: stack.nats.url,
		authenticator: await accountUserAuthenticator(
			stack.nats.accountSeed,
			'stack-check'
		),
	} );
	try {
		const errors: string[] = [];
		( async () => {
			for await ( const status of live.status() ) {
				if ( status.type === 'error' ) {
					errors.push(
						String(
							( status as { error?: Error } ).error?.message ??
								status.type
						)
					);
				}
			}
		} )();
		const subscription = live.subscribe( subject, { max: 1 } );
		await live.flush();
		bridge.publish( subject, payload );
		let received: string | undefined;
		for await ( const message of subscription ) {
			received = message.string();
		}
		live.publish( 'orbit.jobs.forbidden', 'must not pass' );
		await live.flush().catch( () => undefined );
		await new Promise( ( resolve ) => setTimeout( resolve, 300 ) );
		return { received, errors };
	} finally {
		await live.close();
		await bridge.close();
	}
}

export async function registryPushAndCatalog(
	stack: StackDescription,
	name: string
) {
	const work = fs.mkdtempSync(
		path.join( os.tmpdir(), 'orbit-registry-check-' )
	);
	try {
		const image = await buildImage( {
			dir: work,
			layers: [ { '/hello.txt': 'hello\n' } ],
		} );
		const host = new URL( stack.registry.url ).host;
		await exec( 'skopeo', [
			'copy',
			'--quiet',
			'--dest-tls-verify=false',
			`oci:${ image }`,
			`docker://${ host }/${ name }:latest`,
		] );
		const response = await fetch( `${ stack.registry.url }/v2/_catalog` );
		return ( await response.json() ) as { repositories: string[] };
	} finally {
		fs.rmSync( work, { recursive: true, force: true } );
	}
}

const gitEnv = {
	...process.env,
	GIT_AUTHOR_NAME: 'Stack Check',
	GIT_AUTHOR_EMAIL: 'check@orbit.localhost',
	GIT_COMMITTER_NAME: 'Stack Check',
	GIT_COMMITTER_EMAIL: 'check@orbit.localhost',
	GIT_TERMINAL_PROMPT: '0',
};

/** Clones the GitOps repository, pushes a commit, and clones again to see it. */
export async function gitopsCloneAndPush(
	stack: StackDescription,
	fileName: string
) {
	const work = fs.mkdtempSync(
		path.join( os.tmpdir(), 'orbit-gitops-check-' )
	);
	try {
		await exec(
			'git',
			[
				'clone',
				'--quiet',
				stack.gitops.url,
				path.join( work, 'first' ),
			],
			{ env: gitEnv }
		);
		const first = path.join( work, 'first' );
		const seeded = fs.existsSync(
			path.join( first, 'environments', 'dev', 'kustomization.yaml' )
		);
		fs.writeFileSync(
			path.join( first, fileName ),
			'pushed by the stack check\n'
		);
		await exec( 'git', [ 'add', fileName ], { cwd: first, env: gitEnv } );
		await exec( 'git', [ 'commit', '--quiet', '-m', `Add ${ fileName }` ], {
			cwd: first,
			env: gitEnv,
		} );
		await exec( 'git', [ 'push', '--quiet', 'origin', 'HEAD:main' ], {
			cwd: first,
			env: gitEnv,
		} );
		await exec(
			'git',
			[
				'clone',
				'--quiet',
				stack.gitops.url,
				path.join( work, 'second' ),
			],
			{ env: gitEnv }
		);
		const pushed = fs.existsSync( path.join( work, 'second', fileName ) );
		return { seeded, pushed };
	} finally {
		fs.rmSync( work, { recursive: true, force: true } );
	}
}

export function basicAuth( login: string, applicationPassword: string ) {
	return `Basic ${ Buffer.from( `${ login }:${ applicationPassword }` ).toString( 'base64' ) }`;
}

/** WordPress pings the bridge with a signed request and reports the outcome. */
export async function wordpressBridgeStatus( stack: StackDescription ) {
	const admin = stack.wordpress.users.find(
		( user ) => user.role === 'administrator'
	);
	if ( ! admin ) {
		throw new Error( 'The stack has no administrator login.' );
	}
	const response = await fetch(
		`${ stack.wordpress.restUrl }/k8or-orbit/v1/bridge/status`,
		{
			headers: {
				Authorization: basicAuth(
					admin.login,
					admin.applicationPassword
				),
			},
		}
	);
	return {
		status: response.status,
		body: ( await response.json() ) as Record< string, unknown >,
	};
}
