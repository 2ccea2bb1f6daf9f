/**
 * A presigned part URL stores exactly the part it was made for: the length is signed, so a
 * holder of the URL cannot put more (or fewer) bytes into storage than the upload declared.
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
} from './support';

let stack: Stack;
let workDir: string;

beforeAll( () => {
	stack = loadStack();
	workDir = mkdtempSync( join( tmpdir(), 'orbit-part-length-' ) );
} );

afterAll( () => rmSync( workDir, { recursive: true, force: true } ) );

describe( 'presigned part URLs', () => {
	it( 'refuse a body longer or shorter than the part, and take the part itself', async () => {
		const operator = userWithRole( stack, 'orbit_operator' );
		const archive = readArchive(
			( await buildDockerArchive( workDir, 16 * 1024 ) ).archive
		);
		const started = await call(
			restUrl( stack, '/k8or-orbit/v1/uploads' ),
			{
				method: 'POST',
				headers: {
					...basicAuth( operator ),
					'Content-Type': 'application/json',
				},
				body: JSON.stringify( {
					appName: uniqueAppName(),
					version: '1.0.0',
					filename: 'hello.tar',
					size: archive.length,
				} ),
			}
		);
		expect( started.status ).toBe( 201 );
		const [ part ] = started.body.parts as Array< { url: string } >;
		expect(
			new URL( part!.url ).searchParams.get( 'X-Amz-SignedHeaders' )
		).toContain( 'content-length' );

		const put = ( bytes: Uint8Array< ArrayBuffer > ) =>
			fetch( part!.url, { method: 'PUT', body: bytes } );
		const oversized = new Uint8Array( archive.length + 1024 * 1024 );
		expect( ( await put( oversized ) ).status ).toBe( 403 );
		expect(
			( await put( new Uint8Array( archive.subarray( 1 ) ) ) ).status
		).toBe( 403 );
		expect( ( await put( new Uint8Array( archive ) ) ).status ).toBe( 200 );
	} );
} );
