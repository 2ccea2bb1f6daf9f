/**
 * An upload belongs to the user who started it: nobody else fetches its part URLs, completes
 * or cancels it; an administrator may cancel anyone's.
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
	type StackUser,
} from './support';
import { completion, startUpload } from './uploads';

let stack: Stack;
let workDir: string;
let archive: Buffer;

beforeAll( async () => {
	stack = loadStack();
	workDir = mkdtempSync( join( tmpdir(), 'orbit-upload-owner-' ) );
	archive = readArchive(
		( await buildDockerArchive( workDir, 16 * 1024 ) ).archive
	);
} );

afterAll( () => rmSync( workDir, { recursive: true, force: true } ) );

function as( user: StackUser, uploadId: string ) {
	const headers = {
		...basicAuth( user ),
		'Content-Type': 'application/json',
	};
	const url = ( suffix = '' ) =>
		restUrl( stack, `/k8or-orbit/v1/uploads/${ uploadId }${ suffix }` );
	return {
		resume: () => call( url(), { headers } ),
		complete: ( body: string ) =>
			call( url( '/complete' ), { method: 'POST', headers, body } ),
		cancel: () => call( url(), { method: 'DELETE', headers } ),
	};
}

describe( 'an upload’s owner', () => {
	it( 'alone resumes, completes or cancels it; an operator cannot touch an administrator’s upload', async () => {
		const admin = userWithRole( stack, 'administrator' );
		const operator = userWithRole( stack, 'orbit_operator' );
		const appName = uniqueAppName();
		const upload = await startUpload( stack, admin, appName, archive );
		const body = completion( upload, appName, 'dev' );
		const intruder = as( operator, upload.uploadId );

		for ( const [ action, answer ] of [
			[ 'resume', await intruder.resume() ],
			[ 'complete', await intruder.complete( body ) ],
			[ 'cancel', await intruder.cancel() ],
		] as const ) {
			expect( answer.status, action ).toBe( 403 );
			expect( answer.body.code, action ).toBe( 'orbit_upload_not_yours' );
			expect( JSON.stringify( answer.body ), action ).not.toMatch(
				/X-Amz-Signature/
			);
		}

		const owner = as( admin, upload.uploadId );
		const resumed = await owner.resume();
		expect( resumed.status ).toBe( 200 );
		expect( ( await owner.complete( body ) ).status ).toBe( 202 );
	} );

	it( 'lets an administrator cancel an operator’s upload', async () => {
		const admin = userWithRole( stack, 'administrator' );
		const operator = userWithRole( stack, 'orbit_operator' );
		const appName = uniqueAppName();
		const upload = await startUpload( stack, operator, appName, archive );

		expect( ( await as( admin, upload.uploadId ).resume() ).status ).toBe(
			403
		);
		expect( ( await as( admin, upload.uploadId ).cancel() ).status ).toBe(
			204
		);
		const completed = await as( operator, upload.uploadId ).complete(
			completion( upload, appName, 'dev' )
		);
		expect( completed.status ).toBe( 409 );
	} );
} );
