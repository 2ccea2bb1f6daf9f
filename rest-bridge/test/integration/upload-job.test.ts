/**
 * The upload path end to end against real nats-server, S3 (s3rver) and
 * DynamoDB (dynalite) servers and real bridge processes: a real image built
 * with umoci + skopeo is uploaded through presigned part URLs, bridge A is
 * killed in the middle of the job, bridge B finishes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDocumentStore } from '../../src/adapters/dynamo.js';
import { S3ObjectStore, createS3Client } from '../../src/adapters/s3.js';
import { loadConfig } from '../../src/config.js';
import type { BridgeEvent } from '../../src/events/event.js';
import { resourceNames } from '../../src/resources.js';
import { BridgeProcess, bridgeEnv, runCli, signed } from './support/bridge.js';
import {
	ACTOR,
	allEvents,
	buildBridge,
	upload as uploadAs,
	waitForJob,
} from './support/jobs.js';
import { FakeWordPress } from './support/fake-wordpress.js';
import { buildDockerArchive, type BuiltImage } from './support/image.js';
import {
	REPO_ROOT,
	TestServices,
	freePort,
	waitFor,
} from './support/services.js';

const APP = 'hello-web';
const upload = (
	bridgeUrl: string,
	archive: Buffer,
	app = APP,
	declaredSize = archive.length,
	version?: string
) => uploadAs( bridgeUrl, archive, app, declaredSize, version );
const UPLOAD_EVENTS = [
	'upload-initiated',
	'image-received',
	'temporary-image-stored',
	'image-validation-started',
	'image-validated',
	'image-scan-started',
	'image-scanned',
	'image-stored',
	'user-data-saved',
	'image-metadata-saved',
	'user-input-saved',
	'kustomization-started',
	'kustomization-completed',
	'database-update-started',
	'database-updated',
	'upload-completed',
];
const UPLOAD_STEPS = [
	'receive',
	'store-temporary',
	'validate',
	'scan',
	'store-image',
	'save-metadata',
	'kustomize',
	'publish',
	'finish',
];

const services = new TestServices();
let wordpress: FakeWordPress;
let env: Record< string, string >;
let image: BuiltImage;
let prefix: string;
const bridges: BridgeProcess[] = [];

async function startBridge(
	extra: Record< string, string > = {},
	options: { pauseMs?: number } = {}
) {
	const bridge = new BridgeProcess(
		{
			...env,
			ORBIT_BRIDGE_PORT: String( await freePort() ),
			...extra,
		},
		options
	);
	bridges.push( bridge );
	await bridge.start();
	return bridge;
}

beforeAll( async () => {
	buildBridge();
	const endpoints = await services.start();
	// For this process's own S3 and DynamoDB clients (the bridges get theirs in env).
	process.env.AWS_ACCESS_KEY_ID = endpoints.s3.accessKeyId;
	process.env.AWS_SECRET_ACCESS_KEY = endpoints.s3.secretAccessKey;
	wordpress = new FakeWordPress( 'integration-test-secret-0123456789abcdef' );
	const wordpressUrl = await wordpress.start( await freePort() );
	prefix = `it-${ randomBytes( 3 ).toString( 'hex' ) }-`;
	env = bridgeEnv( endpoints, { prefix, wordpressUrl, port: 0 } );
	image = await buildDockerArchive( services.tempDir, 7 * 1024 * 1024 );
} );

let someTestFailed = false;
afterEach( ( context ) => {
	someTestFailed ||= context.task.result?.state === 'fail';
} );

afterAll( async () => {
	// The bridges' errors, to explain a failed test.
	for ( const [ index, bridge ] of someTestFailed ? bridges.entries() : [] ) {
		for ( const line of bridge.logs.filter(
			( l ) => Number( l.level ) >= 50
		) ) {
			process.stderr.write(
				`bridge ${ index }: ${ JSON.stringify( line ) }\n`
			);
		}
	}
	await Promise.all( bridges.map( ( b ) => b.kill( 'SIGKILL' ) ) );
	await wordpress?.stop();
	await services.stop();
} );

describe( 'orbit-bridge provision', () => {
	it( 'creates buckets, tables and streams, and a second run changes nothing', async () => {
		const first = await runCli( [ 'provision' ], env );
		expect( first.code, first.stderr ).toBe( 0 );
		expect( first.stdout ).toContain(
			`bucket ${ prefix }temporary: created`
		);
		expect( first.stdout ).toContain( `table ${ prefix }events: created` );
		expect( first.stdout ).toContain( 'stream ORBIT_JOBS: created' );
		expect( first.stdout ).toContain(
			'consumer orbit-bridge-workers: created'
		);
		const second = await runCli( [ 'provision' ], env );
		expect( second.code ).toBe( 0 );
		expect( second.stdout ).not.toContain( 'created' );
	} );

	it( 'refuses to run with a bad configuration, naming the variable', async () => {
		const bad = await runCli( [ 'provision' ], {
			...env,
			ORBIT_BRIDGE_SECRET: 'short',
		} );
		expect( bad.code ).toBe( 2 );
		expect( bad.stderr ).toMatch(
			/ORBIT_BRIDGE_SECRET.*at least 32 characters/
		);
	} );
} );

describe( 'the upload job survives a killed bridge', () => {
	it( 'bridge B finishes what killed bridge A started: every step once, no duplicate events, one post update', async () => {
		// A pauses before every step and event, so the kill lands inside a step:
		// after save-metadata's first event, before its second.
		const a = await startBridge( {}, { pauseMs: 500 } );
		const ready = await fetch( `${ a.url }/readyz` );
		const readiness = await ready.json();
		expect( ready.status, JSON.stringify( readiness ) ).toBe( 200 );
		expect( readiness.checks.trivy ).toEqual( {
			ok: true,
			detail: 'not configured',
		} );

		const archive = readFileSync( image.archive );
		const { jobId, partCount, uploadId, completion } = await upload(
			a.url,
			archive
		);
		expect( partCount ).toBeGreaterThan( 1 );
		// Completing again returns the same job.
		const again = await signed(
			a.url,
			'POST',
			`/v1/uploads/${ uploadId }/complete`,
			completion
		);
		expect( again.body.jobId ).toBe( jobId );

		await waitFor(
			'user-data-saved from bridge A',
			async () => {
				const answer = await signed(
					a.url,
					'GET',
					`/v1/jobs/${ jobId }/events?limit=50`
				);
				return answer.body.items.some(
					( e: BridgeEvent ) => e.name === 'user-data-saved'
				)
					? true
					: undefined;
			},
			30_000,
			50
		);
		await a.kill( 'SIGKILL' );
		const workerA = a.workerId;

		const b = await startBridge();
		const job = await waitForJob( b.url, jobId, 'succeeded' );
		expect( job.steps.map( ( s: { name: string } ) => s.name ) ).toEqual(
			UPLOAD_STEPS
		);

		// Every step finished once: by A up to the kill, by B after it.
		const store = DynamoDocumentStore.fromConfig(
			loadConfig( env ).dynamodb
		);
		const record = ( await store.get( `${ prefix }jobs`, { jobId } ) ) as {
			steps: Record<
				string,
				{ status: string; runs: number; completedBy: string }
			>;
		};
		const finishers = UPLOAD_STEPS.map(
			( name ) => record.steps[ name ]?.completedBy
		);
		// A finished the steps before save-metadata; B finished the rest.
		const killedIn = UPLOAD_STEPS.indexOf( 'save-metadata' );
		expect( finishers.slice( 0, killedIn ) ).toEqual(
			UPLOAD_STEPS.slice( 0, killedIn ).map( () => workerA )
		);
		expect( finishers.slice( killedIn ) ).toEqual(
			UPLOAD_STEPS.slice( killedIn ).map( () => b.workerId )
		);
		// Only the step in flight at the kill ran again.
		expect(
			UPLOAD_STEPS.map( ( name ) => record.steps[ name ]?.runs )
		).toEqual(
			UPLOAD_STEPS.map( ( name ) => ( name === 'save-metadata' ? 2 : 1 ) )
		);
		store.close();

		// The event log: each event once, seq 1…N, newest first across pages.
		const logged = await allEvents( b.url, `/v1/jobs/${ jobId }/events` );
		expect( logged.map( ( e ) => e.seq ) ).toEqual(
			UPLOAD_EVENTS.map( ( _, i ) => UPLOAD_EVENTS.length - i )
		);
		const oldestFirst = [ ...logged ].reverse();
		expect( oldestFirst.map( ( e ) => e.name ) ).toEqual( UPLOAD_EVENTS );
		for ( const event of oldestFirst ) {
			expect( event ).toMatchObject( {
				jobId,
				appName: APP,
				environment: 'dev',
				actor: ACTOR,
			} );
			expect( [ 'started', 'succeeded' ] ).toContain( event.outcome );
		}
		const byApp = await allEvents( b.url, `/v1/apps/${ APP }/events` );
		expect(
			byApp.filter( ( e ) => e.jobId === jobId ).map( ( e ) => e.seq )
		).toEqual( logged.map( ( e ) => e.seq ) );

		// The facts are the image's own.
		const validated = oldestFirst.find(
			( e ) => e.name === 'image-validated'
		);
		expect( validated?.data ).toMatchObject( {
			format: 'docker-archive',
			configDigest: image.configDigest,
			os: 'linux',
			architecture: 'amd64',
			layers: image.layerCount,
		} );
		const scanned = oldestFirst.find( ( e ) => e.name === 'image-scanned' );
		expect( scanned?.data.scanResult ).toMatchObject( {
			status: 'unavailable',
		} );
		expect(
			( scanned?.data.scanResult as { reason: string } ).reason
		).toMatch( /ORBIT_TRIVY_PATH/ );

		// WordPress got every event once, in order, signed; the post was updated once.
		expect( wordpress.rejected ).toEqual( [] );
		expect( wordpress.eventsOf( jobId ).map( ( e ) => e.name ) ).toEqual(
			UPLOAD_EVENTS
		);
		const post = wordpress.posts.get( APP );
		expect( post?.updates ).toBe( 1 );
		expect( post?.app ).toMatchObject( {
			name: APP,
			title: 'Hello Web',
			image: {
				configDigest: image.configDigest,
				size: expect.any( Number ),
			},
			scan: { status: 'unavailable' },
			verdicts: {},
			environments: { dev: { status: 'none' } },
			deployInputs: { replicas: 2, env: { GREETING: 'hi' } },
		} );
		for ( const delivery of wordpress.deliveries ) {
			const seqs = delivery.map( ( e ) => e.seq );
			expect( seqs ).toEqual( [ ...seqs ].sort( ( x, y ) => x - y ) );
		}
		const updated = oldestFirst.find(
			( e ) => e.name === 'database-updated'
		);
		expect( updated?.data.postId ).toBe( post?.id );

		// NATS carried each event once.
		const nc = await connect( { servers: env.ORBIT_NATS_URL } );
		const consumer = await jetstream( nc ).consumers.get( 'ORBIT_EVENTS', {
			filter_subjects: `orbit.events.${ APP }.${ jobId }`,
			deliver_policy: DeliverPolicy.All,
		} );
		const live: number[] = [];
		for ( let i = 0; i < UPLOAD_EVENTS.length + 5; i++ ) {
			const message = await consumer.next( { expires: 1000 } );
			if ( ! message ) {
				break;
			}
			live.push( ( message.json() as BridgeEvent ).seq );
		}
		await nc.close();
		expect( live ).toEqual( UPLOAD_EVENTS.map( ( _, i ) => i + 1 ) );

		// The archive sits under its digest in the environment bucket; the temporary copy is gone.
		const names = resourceNames( loadConfig( env ) );
		const objects = new S3ObjectStore(
			createS3Client( loadConfig( env ).s3 )
		);
		const stored = oldestFirst.find( ( e ) => e.name === 'image-stored' )
			?.data as {
			bucket: string;
			key: string;
			digest: string;
		};
		expect( stored.bucket ).toBe( names.buckets.environment( 'dev' ) );
		expect( await objects.headObject( stored.bucket, stored.key ) ).toEqual(
			{
				size: archive.length,
			}
		);
		expect( stored.digest ).toBe(
			`sha256:${ createHash( 'sha256' ).update( archive ).digest( 'hex' ) }`
		);
		const temporary = oldestFirst.find(
			( e ) => e.name === 'temporary-image-stored'
		)?.data as {
			key: string;
		};
		expect(
			await objects.headObject( names.buckets.temporary, temporary.key )
		).toBeUndefined();
		const inputs = await objects.getObjectText(
			stored.bucket,
			`apps/${ APP }/deploy-inputs.json`
		);
		expect( JSON.parse( inputs ?? '{}' ) ).toEqual( {
			replicas: 2,
			env: { GREETING: 'hi' },
		} );
		const deployment = await objects.getObjectText(
			stored.bucket,
			`apps/${ APP }/kustomize/deployment.yaml`
		);
		expect( deployment ).toContain( 'containerPort: 8080' );
		objects.close();
	} );

	it( 'rejects an archive that is not an image with an error event, in the error log, and publishes nothing', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const postsBefore = wordpress.posts.size;
		const notAnImage = Buffer.alloc( 6000, 0x41 );
		const { jobId } = await upload( bridge.url, notAnImage, 'broken-app' );
		const job = await waitForJob( bridge.url, jobId, 'failed' );
		expect( job.error.step ).toBe( 'validate' );
		const events = [
			...( await allEvents( bridge.url, `/v1/jobs/${ jobId }/events` ) ),
		].reverse();
		const failure = events[ events.length - 1 ];
		expect( failure ).toMatchObject( {
			name: 'upload-failed',
			outcome: 'failed',
			step: 'validate',
		} );
		expect( failure?.message ).toMatch( /not a valid image \(ARCHIVE_/ );
		expect(
			events.some( ( e ) => e.name === 'database-update-started' )
		).toBe( false );
		const store = DynamoDocumentStore.fromConfig(
			loadConfig( env ).dynamodb
		);
		expect(
			await store.get( `${ prefix }errors`, { jobId, seq: failure?.seq } )
		).toMatchObject( {
			name: 'upload-failed',
		} );
		store.close();
		await waitFor( 'failure delivered', async () =>
			wordpress
				.eventsOf( jobId )
				.some( ( e ) => e.name === 'upload-failed' )
				? true
				: undefined
		);
		expect( wordpress.posts.size ).toBe( postsBefore );
	} );

	it( 'stores no more bytes than declared: the part URLs refuse the extra bytes', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const archive = readFileSync( image.archive );
		const declared = archive.length - 1000;
		const started = await signed( bridge.url, 'POST', '/v1/uploads', {
			appName: 'oversized-app',
			version: '1.0.0',
			filename: 'hello.tar',
			size: declared,
			actor: ACTOR,
		} );
		expect( started.status, JSON.stringify( started.body ) ).toBe( 201 );
		const { partSize, partCount, parts } = started.body;
		const last = ( parts as { partNumber: number; url: string }[] ).find(
			( part ) => part.partNumber === partCount
		)!;
		// The last part as the archive has it: 1000 bytes more than the declared size leaves.
		const put = await fetch( last.url, {
			method: 'PUT',
			body: new Uint8Array(
				archive.subarray( ( partCount - 1 ) * partSize )
			),
		} );
		expect( put.status ).toBe( 403 );
	} );
} );

describe( 're-scan with a Trivy stand-in replaying a real report', () => {
	it( 'stores the full report and sends the summary to WordPress', async () => {
		const fixture = resolve(
			REPO_ROOT,
			'..',
			'shared',
			'fixtures',
			'trivy',
			'alpine-39.json'
		);
		const trivy = join( services.tempDir, 'trivy' );
		// Speaks the CLI's protocol: `--version`, and `image --input FILE --format json`.
		writeFileSync(
			trivy,
			`#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Version: 0.58.1"; exit 0; fi\n` +
				`[ "$1" = image ] && [ "$2" = --input ] && [ -s "$3" ] || { echo "bad arguments" >&2; exit 1; }\n` +
				`cat '${ fixture }'\n`
		);
		chmodSync( trivy, 0o755 );
		// Graceful stop of the bridge without a scanner, so the new one takes the job.
		const previous = bridges[ bridges.length - 1 ] as BridgeProcess;
		expect( await previous.kill( 'SIGTERM' ) ).toBe( 0 );
		expect( previous.logs.some( ( l ) => l.msg === 'stopped' ) ).toBe(
			true
		);
		const bridge = await startBridge( { ORBIT_TRIVY_PATH: trivy } );
		const answer = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ APP }/scan`,
			{
				actor: ACTOR,
				environment: 'dev',
			}
		);
		expect( answer.status ).toBe( 202 );
		await waitForJob( bridge.url, answer.body.jobId, 'succeeded' );
		const scan = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ APP }/scan?environment=dev`
		);
		expect( scan.status ).toBe( 200 );
		const report = JSON.parse( readFileSync( fixture, 'utf8' ) );
		const vulnerabilities = report.Results.flatMap(
			( r: { Vulnerabilities?: unknown[] } ) => r.Vulnerabilities ?? []
		);
		expect( scan.body.summary ).toMatchObject( {
			status: 'scanned',
			scanner: 'trivy 0.58.1',
		} );
		expect( scan.body.summary.total ).toBe( vulnerabilities.length );
		expect( scan.body.findings ).toHaveLength( vulnerabilities.length );
		const post = wordpress.posts.get( APP );
		expect( post?.updates ).toBe( 1 );
		const delivered = wordpress.eventsOf( answer.body.jobId );
		expect( delivered.map( ( e ) => e.name ) ).toEqual( [
			'scan-requested',
			'image-scan-started',
			'image-scanned',
			'database-update-started',
			'database-updated',
			'scan-completed',
		] );
		expect( delivered[ 3 ]?.data.scan ).toMatchObject( {
			status: 'scanned',
		} );
		// The newest version was scanned, and its scan is kept with it.
		expect( delivered[ 3 ]?.data.version ).toBe( '1.0.0' );
		const versionScan = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ APP }/scan?environment=dev&version=1.0.0`
		);
		expect( versionScan.body.summary.total ).toBe( vulnerabilities.length );
	} );

	it( 'keeps delivering to WordPress through an outage, in order', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		wordpress.unavailableFor = 4;
		const answer = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ APP }/scan`,
			{
				actor: ACTOR,
				environment: 'dev',
			}
		);
		expect( answer.status ).toBe( 202 );
		await waitForJob( bridge.url, answer.body.jobId, 'succeeded' );
		expect( wordpress.unavailableAnswers ).toBe( 4 );
		expect(
			wordpress.eventsOf( answer.body.jobId ).map( ( e ) => e.seq )
		).toEqual( [ 1, 2, 3, 4, 5, 6 ] );
		const batches = wordpress.deliveries.filter(
			( batch ) => batch[ 0 ]?.jobId === answer.body.jobId
		);
		for ( const batch of batches ) {
			const seqs = batch.map( ( e ) => e.seq );
			expect( seqs ).toEqual( [ ...seqs ].sort( ( x, y ) => x - y ) );
		}
	} );

	it( 'answers an unknown app with a clear 404', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const answer = await signed(
			bridge.url,
			'POST',
			'/v1/apps/no-such-app/scan',
			{
				actor: ACTOR,
				environment: 'dev',
			}
		);
		expect( answer.status ).toBe( 404 );
		expect( answer.body.message ).toMatch( /no stored image in dev/ );
	} );
} );

describe( 'the signed link on the real server', () => {
	it( 'rejects a bad signature, a replayed request id, a stale timestamp and missing headers', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const ok = await signed( bridge.url, 'GET', '/v1/ping' );
		expect( ok.status ).toBe( 200 );
		expect( ok.body.ok ).toBe( true );

		const badSignature = await signed(
			bridge.url,
			'GET',
			'/v1/ping',
			undefined,
			( h ) => ( {
				...h,
				'X-Orbit-Signature': `v1=${ '0'.repeat( 64 ) }`,
			} )
		);
		expect( badSignature.status ).toBe( 401 );
		expect( badSignature.body.code ).toBe( 'orbit_signature_invalid' );

		// The same headers again: another replica would refuse them too (shared table).
		const replay = await fetch( `${ bridge.url }/v1/ping`, {
			headers: ok.headers,
		} );
		expect( replay.status ).toBe( 401 );
		expect( ( await replay.json() ).code ).toBe(
			'orbit_signature_replayed'
		);
		const otherReplica = await startBridge( {
			ORBIT_TRIVY_PATH: '/nonexistent/trivy',
		} );
		const replayElsewhere = await fetch( `${ otherReplica.url }/v1/ping`, {
			headers: ok.headers,
		} );
		expect( ( await replayElsewhere.json() ).code ).toBe(
			'orbit_signature_replayed'
		);

		const { signRequest } =
			await import( '../../src/signing/signature.js' );
		const stale = signRequest(
			'integration-test-secret-0123456789abcdef',
			{ method: 'GET', path: '/v1/ping' },
			new Date( Date.now() - 10 * 60 * 1000 )
		);
		const staleAnswer = await fetch( `${ bridge.url }/v1/ping`, {
			headers: stale,
		} );
		expect( staleAnswer.status ).toBe( 401 );
		expect( ( await staleAnswer.json() ).code ).toBe(
			'orbit_signature_stale'
		);

		const tamperedBody = await fetch( `${ bridge.url }/v1/uploads`, {
			method: 'POST',
			headers: {
				...signRequest( 'integration-test-secret-0123456789abcdef', {
					method: 'POST',
					path: '/v1/uploads',
					body: '{"size":1}',
				} ),
				'Content-Type': 'application/json',
			},
			body: '{"size":2}',
		} );
		expect( tamperedBody.status ).toBe( 401 );

		const unsigned = await fetch( `${ bridge.url }/v1/ping` );
		expect( unsigned.status ).toBe( 401 );
		expect( ( await unsigned.json() ).code ).toBe(
			'orbit_signature_missing'
		);
	} );

	it( 'refuses an archive larger than the configured maximum before any upload', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const answer = await signed( bridge.url, 'POST', '/v1/uploads', {
			appName: APP,
			version: '9.9.9',
			filename: 'huge.tar',
			size: 5 * 1024 ** 4,
			actor: ACTOR,
		} );
		expect( answer.status ).toBe( 413 );
		expect( answer.body.code ).toBe( 'orbit_archive_too_large' );
		const badName = await signed( bridge.url, 'POST', '/v1/uploads', {
			appName: 'Not_A_Label',
			version: '../1.0',
			filename: '../x.tar',
			size: 10,
			actor: ACTOR,
		} );
		expect( badName.status ).toBe( 400 );
		expect( badName.body.message ).toMatch(
			/appName: must be a DNS-1123 label/
		);
		expect( badName.body.message ).toMatch( /filename/ );
		expect( badName.body.message ).toMatch(
			/version: must be a version label/
		);
	} );
} );

describe( 'readiness and shutdown', () => {
	it( 'reports each dependency with the reason when one is down', async () => {
		const gitops = createServer( ( request, response ) => {
			const ok =
				request.url === '/repo.git/info/refs?service=git-upload-pack';
			response.writeHead( ok ? 200 : 404 );
			response.end();
		} );
		const gitopsPort = await freePort();
		await new Promise< void >( ( done ) =>
			gitops.listen( gitopsPort, '127.0.0.1', done )
		);
		const closedPort = await freePort();
		const bridge = await startBridge( {
			ORBIT_REGISTRY_URL: `http://127.0.0.1:${ closedPort }`,
			ORBIT_GITOPS_URL: `http://127.0.0.1:${ gitopsPort }/repo.git`,
		} );
		const answer = await fetch( `${ bridge.url }/readyz` );
		const body = await answer.json();
		gitops.close();
		expect( answer.status ).toBe( 503 );
		expect( body.ready ).toBe( false );
		expect( body.checks.registry.ok ).toBe( false );
		expect( body.checks.registry.detail ).toMatch(
			/fetch failed|ECONNREFUSED/
		);
		for ( const name of [
			's3',
			'dynamodb',
			'nats',
			'wordpress',
			'gitops',
		] ) {
			expect( body.checks[ name ], name ).toEqual( { ok: true } );
		}
		expect( ( await fetch( `${ bridge.url }/healthz` ) ).status ).toBe(
			200
		);
	} );

	it( 'on SIGTERM finishes the step in flight and hands the job back to another replica', async () => {
		for ( const running of bridges ) {
			await running.kill( 'SIGTERM' );
		}
		// A 30 s lease: a job not handed back would wait that long for the next replica.
		const slow = await startBridge(
			{ ORBIT_JOB_ACK_WAIT_SECONDS: '30' },
			{ pauseMs: 400 }
		);
		const { jobId } = await upload(
			slow.url,
			readFileSync( image.archive ),
			'second-app'
		);
		await waitFor(
			'the job under way',
			async () => {
				const answer = await signed(
					slow.url,
					'GET',
					`/v1/jobs/${ jobId }/events?limit=50`
				);
				return answer.body.items.some(
					( e: BridgeEvent ) => e.name === 'image-validation-started'
				)
					? true
					: undefined;
			},
			30_000,
			50
		);
		expect( await slow.kill( 'SIGTERM' ) ).toBe( 0 );
		expect(
			slow.logs.some( ( l ) => l.msg === 'handed job back on shutdown' )
		).toBe( true );

		const next = await startBridge( { ORBIT_JOB_ACK_WAIT_SECONDS: '30' } );
		const handedBackAt = Date.now();
		const job = await waitForJob( next.url, jobId, 'succeeded' );
		// Handed back with its lease released, not left for the lease to expire.
		expect( Date.now() - handedBackAt ).toBeLessThan( 15_000 );
		expect( job.steps.map( ( s: { runs: number } ) => s.runs ) ).toEqual(
			UPLOAD_STEPS.map( () => 1 )
		);
		const events = await allEvents(
			next.url,
			`/v1/jobs/${ jobId }/events`
		);
		expect( [ ...events ].reverse().map( ( e ) => e.name ) ).toEqual(
			UPLOAD_EVENTS
		);
	} );
} );

describe( 'versions of an app', () => {
	const VERSIONED = 'versioned-app';
	const sha256 = ( bytes: Buffer ) =>
		`sha256:${ createHash( 'sha256' ).update( bytes ).digest( 'hex' ) }`;

	it( 'a second upload adds a version with its own archive and SHA-256; both are listed, the newest current', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const first = readFileSync( image.archive );
		const otherImage = await buildDockerArchive(
			mkdtempSync( join( services.tempDir, 'second-' ) ),
			256 * 1024
		);
		const second = readFileSync( otherImage.archive );
		const one = await upload( bridge.url, first, VERSIONED );
		await waitForJob( bridge.url, one.jobId, 'succeeded' );

		// A label the app has is refused before any byte is sent.
		const duplicate = await signed( bridge.url, 'POST', '/v1/uploads', {
			appName: VERSIONED,
			version: '1.0.0',
			filename: 'hello.tar',
			size: second.length,
			actor: ACTOR,
		} );
		expect( duplicate.status ).toBe( 409 );
		expect( duplicate.body.code ).toBe( 'orbit_version_exists' );
		expect( duplicate.body.message ).toMatch(
			/already has a version 1\.0\.0 \(in dev\)/
		);

		const two = await upload(
			bridge.url,
			second,
			VERSIONED,
			second.length,
			'1.0.1'
		);
		await waitForJob( bridge.url, two.jobId, 'succeeded' );

		const listed = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ VERSIONED }/versions?environment=dev`
		);
		expect( listed.status ).toBe( 200 );
		const items = listed.body.items as Array< {
			version: string;
			configDigest: string;
			storage: { bucket: string; key: string; digest: string };
		} >;
		expect( items.map( ( v ) => v.version ) ).toEqual( [
			'1.0.1',
			'1.0.0',
		] );
		expect( items.map( ( v ) => v.configDigest ) ).toEqual( [
			otherImage.configDigest,
			image.configDigest,
		] );
		expect( items.map( ( v ) => v.storage.digest ) ).toEqual( [
			sha256( second ),
			sha256( first ),
		] );
		// Each version's archive is stored under its own key, byte for byte.
		const objects = new S3ObjectStore(
			createS3Client( loadConfig( env ).s3 )
		);
		expect( new Set( items.map( ( v ) => v.storage.key ) ).size ).toBe( 2 );
		for ( const [ item, bytes ] of [
			[ items[ 0 ], second ],
			[ items[ 1 ], first ],
		] as const ) {
			const stream = await objects.getObjectStream(
				item!.storage.bucket,
				item!.storage.key
			);
			const chunks: Buffer[] = [];
			for await ( const chunk of stream ) {
				chunks.push( chunk as Buffer );
			}
			expect( sha256( Buffer.concat( chunks ) ) ).toBe( sha256( bytes ) );
		}
		objects.close();

		// One version by (app, version); the app's current image is the newest.
		const older = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ VERSIONED }/versions/1.0.0?environment=dev`
		);
		expect( older.body ).toMatchObject( {
			version: '1.0.0',
			configDigest: image.configDigest,
			uploadedBy: ACTOR,
		} );
		const missing = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ VERSIONED }/versions/3.0.0?environment=dev`
		);
		expect( missing.status ).toBe( 404 );
		expect( missing.body.code ).toBe( 'orbit_version_not_found' );
		const post = wordpress.posts.get( VERSIONED );
		expect( post?.app ).toMatchObject( {
			version: '1.0.1',
			image: { version: '1.0.1', configDigest: otherImage.configDigest },
		} );
	} );

	it( 'refuses at completion a label another upload took meanwhile', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const later = await signed( bridge.url, 'POST', '/v1/uploads', {
			appName: VERSIONED,
			version: '2.0.0',
			filename: 'hello.tar',
			size: 10,
			actor: ACTOR,
		} );
		expect( later.status ).toBe( 201 );
		const first = await upload(
			bridge.url,
			readFileSync( image.archive ),
			VERSIONED,
			undefined,
			'2.0.0'
		);
		await waitForJob( bridge.url, first.jobId, 'succeeded' );
		const completed = await signed(
			bridge.url,
			'POST',
			`/v1/uploads/${ later.body.uploadId }/complete`,
			{ ...first.completion, parts: [ { partNumber: 1, etag: 'x' } ] }
		);
		expect( completed.status ).toBe( 409 );
		expect( completed.body.code ).toBe( 'orbit_version_exists' );
	} );

	it( 'scans a chosen version and keeps its scan with it, leaving the current one alone', async () => {
		const bridge = bridges[ bridges.length - 1 ] as BridgeProcess;
		const answer = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ VERSIONED }/scan`,
			{ actor: ACTOR, environment: 'dev', version: '1.0.0' }
		);
		expect( answer.status ).toBe( 202 );
		await waitForJob( bridge.url, answer.body.jobId, 'succeeded' );
		const delivered = wordpress.eventsOf( answer.body.jobId );
		expect( delivered[ 0 ]?.data ).toMatchObject( {
			version: '1.0.0',
			configDigest: image.configDigest,
		} );
		expect( delivered[ 3 ]?.data.version ).toBe( '1.0.0' );
		const scanned = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ VERSIONED }/versions/1.0.0?environment=dev`
		);
		expect( scanned.body.scan.scannedAt ).toBe(
			( delivered[ 3 ]?.data.scan as { scannedAt: string } ).scannedAt
		);
		const current = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ VERSIONED }/versions/2.0.0?environment=dev`
		);
		expect( current.body.scan.scannedAt ).not.toBe(
			scanned.body.scan.scannedAt
		);
		const unknown = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ VERSIONED }/scan`,
			{ actor: ACTOR, environment: 'dev', version: '7.7.7' }
		);
		expect( unknown.status ).toBe( 404 );
		expect( unknown.body.message ).toMatch( /no version 7\.7\.7 in dev/ );
	} );
} );
