/**
 * The whole signed link over real HTTP: an operator uploads an image through WordPress, the bridge
 * runs the upload job and calls back, and the app appears in the catalog.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	buildDockerArchive,
	readArchive,
} from '../../../../rest-bridge/test/integration/support/image';
import {
	basicAuth,
	call,
	loadStack,
	restUrl,
	uniqueAppName,
	userWithRole,
	type Stack,
	deleteAppPost,
} from './support';
import { startUpload } from './uploads';

let stack: Stack;
let workDir: string;
const appIds: number[] = [];

beforeAll( () => {
	stack = loadStack();
	workDir = mkdtempSync( join( tmpdir(), 'orbit-plugin-upload-' ) );
} );

afterAll( async () => {
	rmSync( workDir, { recursive: true, force: true } );
	for ( const appId of appIds ) {
		await deleteAppPost( stack, appId );
	}
} );

/**
 * Uploads an archive through WordPress as the operator, as the console does, and waits for its job.
 *
 * @param appName App name.
 * @param version Version label.
 * @param archive The archive bytes.
 */
async function uploadThroughWordPress(
	appName: string,
	version: string,
	archive: Buffer
) {
	const operator = basicAuth( userWithRole( stack, 'orbit_operator' ) );
	const json = { ...operator, 'Content-Type': 'application/json' };
	const upload = await startUpload(
		stack,
		userWithRole( stack, 'orbit_operator' ),
		appName,
		archive,
		version
	);
	const completed = await call(
		restUrl(
			stack,
			`/k8or-orbit/v1/uploads/${ upload.uploadId }/complete`
		),
		{
			method: 'POST',
			headers: json,
			body: JSON.stringify( {
				parts: upload.parts,
				app: {
					name: appName,
					title: 'Hello from the plugin test',
					description: 'Uploaded through WordPress.',
					category: 'Plugin Tests',
					environment: 'dev',
					deployInputs: {
						replicas: 1,
						containerPort: 8080,
						env: { GREETING: 'hello' },
					},
				},
			} ),
		}
	);
	expect( completed.status, JSON.stringify( completed.body ) ).toBe( 202 );
	const jobId = completed.body.jobId as string;

	let job = { status: 'queued' } as { status: string; steps?: unknown };
	for (
		let attempt = 0;
		attempt < 120 && ! [ 'succeeded', 'failed' ].includes( job.status );
		attempt++
	) {
		await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
		const answer = await call(
			restUrl( stack, `/k8or-orbit/v1/jobs/${ jobId }` ),
			{ headers: operator }
		);
		expect( answer.status ).toBe( 200 );
		job = answer.body;
	}
	expect( job.status, JSON.stringify( job ) ).toBe( 'succeeded' );

	const events = await call(
		restUrl( stack, `/k8or-orbit/v1/jobs/${ jobId }/events`, {
			limit: '100',
		} ),
		{ headers: operator }
	);
	expect( events.status ).toBe( 200 );
	expect(
		events.body.items.map( ( event: { name: string } ) => event.name )
	).toContain( 'database-updated' );
}

describe( 'upload through WordPress', () => {
	it( 'publishes the uploaded image as a catalog app with its facts', async () => {
		const operator = basicAuth( userWithRole( stack, 'orbit_operator' ) );
		const appName = uniqueAppName();
		const image = await buildDockerArchive( workDir, 64 * 1024 );
		const archive = readArchive( image.archive );

		await uploadThroughWordPress( appName, '1.0.0', archive );

		const catalog = await call(
			restUrl( stack, '/k8or-orbit/v1/apps', { name: appName } )
		);
		expect( catalog.status ).toBe( 200 );
		expect( catalog.body ).toHaveLength( 1 );
		const app = catalog.body[ 0 ];
		appIds.push( app.id );
		expect( app ).toMatchObject( {
			name: appName,
			title: 'Hello from the plugin test',
			image: {
				configDigest: image.configDigest,
				repository: expect.stringMatching( /(^|\/)hello-web$/ ),
				tag: '1.0',
				exposedPorts: [ '8080/tcp' ],
				layerCount: image.layerCount,
				os: 'linux',
				architecture: 'amd64',
			},
			environments: { dev: { status: 'none' } },
		} );
		expect( [ 'scanned', 'unavailable' ] ).toContain( app.scan.status );
		// The plugin sent every environment's policy; the bridge decided each verdict.
		expect( Object.keys( app.verdicts ) ).toContain( 'dev' );
		for ( const [ environment, verdict ] of Object.entries(
			app.verdicts as Record< string, { environment: string } >
		) ) {
			expect( verdict.environment ).toBe( environment );
		}
		expect( app.image.uploadedBy, 'private to visitors' ).toBeUndefined();
		expect(
			app.categories.map(
				( category: { name: string } ) => category.name
			)
		).toEqual( [ 'Plugin Tests' ] );

		const appEvents = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ app.id }/events` ),
			{ headers: operator }
		);
		expect( appEvents.status ).toBe( 200 );
		expect( appEvents.body.items.length ).toBeGreaterThan( 0 );
	} );

	it( 'adds a version with a second upload; both are listed, newest first, and a taken label is refused', async () => {
		const operator = basicAuth( userWithRole( stack, 'orbit_operator' ) );
		const appName = uniqueAppName();
		const first = await buildDockerArchive(
			mkdtempSync( join( workDir, 'first-' ) ),
			32 * 1024
		);
		const second = await buildDockerArchive(
			mkdtempSync( join( workDir, 'second-' ) ),
			48 * 1024
		);
		await uploadThroughWordPress(
			appName,
			'1.0.0',
			readArchive( first.archive )
		);
		await uploadThroughWordPress(
			appName,
			'1.0.1',
			readArchive( second.archive )
		);

		const catalog = await call(
			restUrl( stack, '/k8or-orbit/v1/apps', { name: appName } )
		);
		const app = catalog.body[ 0 ];
		appIds.push( app.id );
		// The newest version is the app's current image.
		expect( app.image ).toMatchObject( {
			version: '1.0.1',
			configDigest: second.configDigest,
		} );

		const visitor = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ app.id }/versions` )
		);
		expect( visitor.status ).toBe( 200 );
		expect(
			visitor.body.map( ( v: { label: string } ) => v.label )
		).toEqual( [ '1.0.1', '1.0.0' ] );
		expect(
			visitor.body.map(
				( v: { configDigest: string } ) => v.configDigest
			)
		).toEqual( [ second.configDigest, first.configDigest ] );
		const [ newest, older ] = visitor.body;
		expect( newest.archiveDigest ).toMatch( /^sha256:[a-f0-9]{64}$/ );
		expect( newest.archiveDigest ).not.toBe( older.archiveDigest );
		expect( newest.size ).toBe( readArchive( second.archive ).length );
		expect( newest.uploadedBy, 'private to visitors' ).toBeUndefined();

		const forOperator = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ app.id }/versions` ),
			{ headers: operator }
		);
		expect( forOperator.body[ 1 ].uploadedBy.login ).toBe(
			userWithRole( stack, 'orbit_operator' ).login
		);

		const taken = await call( restUrl( stack, '/k8or-orbit/v1/uploads' ), {
			method: 'POST',
			headers: { ...operator, 'Content-Type': 'application/json' },
			body: JSON.stringify( {
				appName,
				version: '1.0.0',
				filename: 'hello.tar',
				size: 1024,
			} ),
		} );
		expect( taken.status ).toBe( 409 );
		expect( taken.body.code ).toBe( 'orbit_version_exists' );
	} );
} );
