/**
 * Uploads the browser never finished do not stay forever: against the real local S3 and DynamoDB
 * servers, a sweep aborts the multipart uploads older than the limit and removes their records,
 * and leaves younger ones alone. Provisioning asks S3 for a lifecycle rule doing the same.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DynamoDocumentStore } from '../../src/adapters/dynamo.js';
import { DynamoJobStore } from '../../src/adapters/dynamo-jobs.js';
import { DynamoUploadSessions } from '../../src/adapters/dynamo-uploads.js';
import { S3ObjectStore, createS3Client } from '../../src/adapters/s3.js';
import { loadConfig } from '../../src/config.js';
import { resourceNames } from '../../src/resources.js';
import { sweepUploads } from '../../src/uploads/sweep.js';
import { BridgeProcess, bridgeEnv, runCli, signed } from './support/bridge.js';
import { ACTOR, buildBridge } from './support/jobs.js';
import { TestServices, freePort } from './support/services.js';

const services = new TestServices();
let env: Record< string, string >;
let bridge: BridgeProcess;
let objects: S3ObjectStore;
let store: DynamoDocumentStore;
let provisioned: string;
const standIns: Server[] = [];

beforeAll( async () => {
	buildBridge();
	const endpoints = await services.start();
	process.env.AWS_ACCESS_KEY_ID = endpoints.s3.accessKeyId;
	process.env.AWS_SECRET_ACCESS_KEY = endpoints.s3.secretAccessKey;
	const prefix = `sweep-${ randomBytes( 3 ).toString( 'hex' ) }-`;
	env = bridgeEnv( endpoints, {
		prefix,
		// No job runs here, so nothing calls WordPress back.
		wordpressUrl: 'http://127.0.0.1:9',
		port: await freePort(),
	} );
	const provision = await runCli( [ 'provision' ], env );
	expect( provision.code, provision.stderr ).toBe( 0 );
	provisioned = provision.stdout;
	bridge = new BridgeProcess( env );
	await bridge.start();
	const config = loadConfig( env );
	objects = new S3ObjectStore( createS3Client( config.s3 ) );
	store = DynamoDocumentStore.fromConfig( config.dynamodb );
} );

afterAll( async () => {
	await bridge?.kill( 'SIGKILL' );
	objects?.close();
	store?.close();
	for ( const server of standIns ) {
		server.close();
	}
	await services.stop();
} );

async function startUpload( appName: string ) {
	const started = await signed( bridge.url, 'POST', '/v1/uploads', {
		appName,
		version: '1.0.0',
		filename: 'hello.tar',
		size: 1024,
		actor: ACTOR,
	} );
	expect( started.status, JSON.stringify( started.body ) ).toBe( 201 );
	return started.body as {
		uploadId: string;
		parts: Array< { partNumber: number; url: string } >;
	};
}

describe( 'the upload sweep', () => {
	it( 'aborts open and cancelled uploads older than the limit, removes their records, and keeps younger ones', async () => {
		const config = loadConfig( env );
		const names = resourceNames( config );
		const abandoned = await startUpload( 'sweep-abandoned' );
		// A part arrived, then the browser went away.
		const part = await fetch( abandoned.parts[ 0 ]!.url, {
			method: 'PUT',
			body: new Uint8Array( 1024 ),
		} );
		expect( part.status ).toBe( 200 );
		const cancelled = await startUpload( 'sweep-cancelled' );
		expect(
			(
				await signed(
					bridge.url,
					'DELETE',
					`/v1/uploads/${ cancelled.uploadId }?actorId=${ ACTOR.id }`
				)
			).status
		).toBe( 204 );
		await new Promise( ( resolve ) => setTimeout( resolve, 1500 ) );
		const cutoff = new Date();
		await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
		const young = await startUpload( 'sweep-young' );

		const uploads = new DynamoUploadSessions( store, names.tables.uploads );
		const session = await uploads.get( abandoned.uploadId );
		const aborts: string[] = [];
		const result = await sweepUploads(
			{
				uploads,
				// The real store, noting what it is asked to abort (the local S3 server
				// answers an abort with 405 and keeps the parts; real S3 frees them).
				objects: {
					abortMultipartUpload: async ( bucket, key, uploadId ) => {
						aborts.push( uploadId );
						await objects.abortMultipartUpload(
							bucket,
							key,
							uploadId
						);
					},
				},
				jobs: {
					get: ( jobId ) =>
						new DynamoJobStore( store, names.tables.jobs ).getJob(
							jobId
						),
				},
			},
			cutoff
		);

		expect( result ).toEqual( {
			abandoned: [ abandoned.uploadId ],
			removed: [ cancelled.uploadId ],
		} );
		expect( aborts ).toContain( session!.s3UploadId );
		// The abandoned upload is gone for the browser too: no resume, no completion.
		const resumed = await signed(
			bridge.url,
			'GET',
			`/v1/uploads/${ abandoned.uploadId }?actorId=${ ACTOR.id }`
		);
		expect( resumed.status ).toBe( 404 );
		const completed = await signed(
			bridge.url,
			'POST',
			`/v1/uploads/${ abandoned.uploadId }/complete`,
			{
				parts: [ { partNumber: 1, etag: part.headers.get( 'etag' ) } ],
				actor: ACTOR,
				app: { name: 'sweep-abandoned', environment: 'dev' },
			}
		);
		expect( completed.status ).toBe( 404 );
		expect(
			(
				await signed(
					bridge.url,
					'GET',
					`/v1/uploads/${ young.uploadId }?actorId=${ ACTOR.id }`
				)
			).status
		).toBe( 200 );

		// A second sweep finds nothing more to do.
		expect(
			await sweepUploads(
				{ uploads, objects, jobs: { get: async () => undefined } },
				cutoff
			)
		).toEqual( { abandoned: [], removed: [] } );
	} );

	it( 'hands out part URLs without a checksum of an empty body, which S3 would hold the real part to', async () => {
		const { parts } = await startUpload( 'sweep-checksum' );
		const url = new URL( parts[ 0 ]!.url );
		expect( [ ...url.searchParams.keys() ] ).not.toContain(
			'x-amz-checksum-crc32'
		);
		expect( [ ...url.searchParams.keys() ] ).not.toContain(
			'x-amz-sdk-checksum-algorithm'
		);
		expect( url.searchParams.get( 'X-Amz-SignedHeaders' ) ).toContain(
			'content-length'
		);
	} );
} );

describe( 'provisioning the temporary bucket', () => {
	it( 'asks for a lifecycle rule aborting incomplete uploads, and says when the server has none', async () => {
		const temporary = resourceNames( loadConfig( env ) ).buckets.temporary;
		// The local S3 server implements no lifecycle rules, and provisioning says so.
		expect( provisioned ).toContain(
			`lifecycle ${ temporary }: lifecycle rules unsupported by this server (HTTP 501)`
		);

		// An S3 that has them gets the rule: a stand-in that records the request.
		const received: Array< { url: string; body: string } > = [];
		const standIn = createServer( ( request, response ) => {
			let body = '';
			request.on( 'data', ( chunk ) => ( body += chunk ) );
			request.on( 'end', () => {
				received.push( { url: request.url ?? '', body } );
				response.writeHead( 200 );
				response.end();
			} );
		} );
		standIns.push( standIn );
		await new Promise< void >( ( resolve ) =>
			standIn.listen( 0, '127.0.0.1', resolve )
		);
		const s3 = new S3ObjectStore(
			createS3Client( {
				region: 'us-east-1',
				forcePathStyle: true,
				bucketPrefix: 'orbit-',
				endpoint: `http://127.0.0.1:${
					( standIn.address() as AddressInfo ).port
				}`,
			} )
		);
		expect(
			await s3.abortIncompleteUploadsAfter( 'orbit-temporary', 2 )
		).toBe( 'incomplete uploads aborted after 2 day(s)' );
		s3.close();
		expect( received ).toHaveLength( 1 );
		const asked = new URL( received[ 0 ]!.url, 'http://s3.invalid' );
		expect( asked.pathname.replace( /\/$/, '' ) ).toBe(
			'/orbit-temporary'
		);
		expect( asked.searchParams.has( 'lifecycle' ) ).toBe( true );
		expect( received[ 0 ]!.body ).toContain(
			'<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload>'
		);
	} );
} );
