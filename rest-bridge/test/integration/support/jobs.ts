/**
 * What tests of jobs share: an upload made as the browser makes it, a job
 * awaited through the API, its events read page by page, the bridge built.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { BridgeEvent } from '../../../src/events/event.js';
import { signed } from './bridge.js';
import { REPO_ROOT, waitFor } from './services.js';

export const ACTOR = { id: 2, login: 'operator' };

/** Uploads the archive as the browser does: presigned part PUTs, then complete. */
export async function upload(
	bridgeUrl: string,
	archive: Buffer,
	app: string,
	declaredSize = archive.length,
	version = '1.0.0'
) {
	const started = await signed( bridgeUrl, 'POST', '/v1/uploads', {
		appName: app,
		version,
		filename: 'hello.tar',
		size: declaredSize,
		actor: ACTOR,
	} );
	expect( started.status, JSON.stringify( started.body ) ).toBe( 201 );
	const { uploadId, partSize, partCount, parts } = started.body;
	expect( parts ).toHaveLength( partCount );
	const etags = [];
	for ( const part of parts as { partNumber: number; url: string }[] ) {
		const last = part.partNumber === partCount;
		const slice = archive.subarray(
			( part.partNumber - 1 ) * partSize,
			last ? archive.length : part.partNumber * partSize
		);
		const put = await fetch( part.url, {
			method: 'PUT',
			body: new Uint8Array( slice ),
		} );
		expect( put.status ).toBe( 200 );
		etags.push( {
			partNumber: part.partNumber,
			etag: put.headers.get( 'etag' ) ?? '',
		} );
	}
	const resumed = await signed(
		bridgeUrl,
		'GET',
		`/v1/uploads/${ uploadId }?actorId=${ ACTOR.id }`
	);
	expect( resumed.status, JSON.stringify( resumed.body ) ).toBe( 200 );
	if ( resumed.body.partsListed ) {
		expect( resumed.body.uploadedParts ).toHaveLength( partCount );
		expect( resumed.body.parts ).toEqual( [] );
	} else {
		// s3rver cannot list parts: every part is offered again with a fresh URL.
		expect( resumed.body.parts ).toHaveLength( partCount );
	}
	const completion = {
		parts: etags,
		actor: ACTOR,
		app: {
			name: app,
			title: 'Hello Web',
			description: 'A tiny web server',
			category: 'web',
			environment: 'dev',
			deployInputs: { replicas: 2, env: { GREETING: 'hi' } },
		},
	};
	const completed = await signed(
		bridgeUrl,
		'POST',
		`/v1/uploads/${ uploadId }/complete`,
		completion
	);
	expect( completed.status, JSON.stringify( completed.body ) ).toBe( 202 );
	return {
		uploadId,
		partCount,
		jobId: completed.body.jobId as string,
		completion,
	};
}

export async function allEvents(
	bridgeUrl: string,
	path: string
): Promise< BridgeEvent[] > {
	const items: BridgeEvent[] = [];
	let cursor: string | null = null;
	for ( let page = 0; page < 20; page++ ) {
		const query: string = `?limit=5${ cursor ? `&cursor=${ encodeURIComponent( cursor ) }` : '' }`;
		const answer = await signed( bridgeUrl, 'GET', `${ path }${ query }` );
		expect( answer.status ).toBe( 200 );
		items.push( ...answer.body.items );
		cursor = answer.body.nextCursor;
		if ( ! cursor ) {
			break;
		}
	}
	return items;
}

export async function waitForJob(
	bridgeUrl: string,
	jobId: string,
	status: string
) {
	return waitFor(
		`job ${ jobId } ${ status }`,
		async () => {
			const answer = await signed(
				bridgeUrl,
				'GET',
				`/v1/jobs/${ jobId }`
			);
			return answer.body?.status === status ? answer.body : undefined;
		},
		90_000,
		250
	);
}

/** The bridge processes run the built code (`npm test` builds it first); bring it up to date. */
export function buildBridge() {
	try {
		execFileSync( 'npx', [ 'tsc', '--build', 'rest-bridge' ], {
			cwd: REPO_ROOT,
			stdio: 'pipe',
		} );
	} catch ( error ) {
		if ( ! existsSync( join( REPO_ROOT, 'rest-bridge/dist/server.js' ) ) ) {
			throw error;
		}
		process.stderr.write(
			`rest-bridge did not rebuild; testing the existing build:\n${ ( error as { stdout?: Buffer } ).stdout }\n`
		);
	}
}
