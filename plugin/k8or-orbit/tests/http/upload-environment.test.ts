/**
 * orbit_upload alone cannot put an image straight into a later environment (skipping the
 * dev → test → prod order and orbit_deploy_prod): WordPress and the bridge each refuse it.
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
	signedHeaders,
	uniqueAppName,
	userWithRole,
	type Stack,
} from './support';
import { completion, startUpload } from './uploads';

let stack: Stack;
let workDir: string;
let archive: Buffer;

beforeAll( async () => {
	stack = loadStack();
	workDir = mkdtempSync( join( tmpdir(), 'orbit-upload-environment-' ) );
	archive = readArchive(
		( await buildDockerArchive( workDir, 16 * 1024 ) ).archive
	);
} );

afterAll( () => rmSync( workDir, { recursive: true, force: true } ) );

describe( 'the environment an upload goes into', () => {
	it( 'refuses an operator’s upload into prod or test, and still accepts it into dev', async () => {
		const operator = userWithRole( stack, 'orbit_operator' );
		const headers = {
			...basicAuth( operator ),
			'Content-Type': 'application/json',
		};
		const appName = uniqueAppName();
		const upload = await startUpload( stack, operator, appName, archive );
		const url = restUrl(
			stack,
			`/k8or-orbit/v1/uploads/${ upload.uploadId }/complete`
		);

		for ( const environment of [ 'prod', 'test' ] ) {
			const refused = await call( url, {
				method: 'POST',
				headers,
				body: completion( upload, appName, environment ),
			} );
			expect( refused.status, environment ).toBe( 400 );
			expect( refused.body.code ).toBe(
				'orbit_upload_first_environment_only'
			);
			expect( refused.body.message ).toContain(
				'first environment only'
			);
		}

		const accepted = await call( url, {
			method: 'POST',
			headers,
			body: completion( upload, appName, 'dev' ),
		} );
		expect( accepted.status, JSON.stringify( accepted.body ) ).toBe( 202 );
	} );

	it( 'is refused by the bridge too, whoever signs the request', async () => {
		const operator = userWithRole( stack, 'orbit_operator' );
		const appName = uniqueAppName();
		const upload = await startUpload( stack, operator, appName, archive );
		const path = `/v1/uploads/${ upload.uploadId }/complete`;
		const me = await call( restUrl( stack, '/wp/v2/users/me' ), {
			headers: basicAuth( operator ),
		} );
		const body = JSON.stringify( {
			...JSON.parse( completion( upload, appName, 'prod' ) ),
			actor: { id: me.body.id, login: operator.login },
		} );
		const refused = await call( stack.bridge.url + path, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				...signedHeaders( {
					secret: stack.bridge.secret,
					method: 'POST',
					path,
					body,
				} ),
			},
			body,
		} );
		expect( refused.status ).toBe( 400 );
		expect( refused.body.code ).toBe(
			'orbit_upload_first_environment_only'
		);
	} );
} );
