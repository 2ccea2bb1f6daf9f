/**
 * A callback WordPress refuses is not resent forever: the bridge keeps it as a dead letter (once),
 * fails the job saying why, and an administrator delivers it again once the cause is fixed.
 *
 * The refusal is a real one: a page of the app type already holds the app's slug (left by an
 * import, say), so WordPress answers 409 orbit_app_name_taken to the upload's catalog event.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
import { completion, startUpload } from './uploads';

interface DeadLetter {
	letterId: string;
	jobId: string;
	appName: string;
	events: Array< { seq: number; name: string } >;
	httpStatus: number;
	answer: string;
	status: 'refused' | 'delivered';
	refusals: number;
}

let stack: Stack;
let workDir: string;
let database: {
	socket: string;
	database: string;
	user: string;
	password: string;
};
const appIds: number[] = [];

/** One SQL statement against the stack's WordPress database; its rows as tab-separated text. */
async function sql( statement: string ): Promise< string > {
	const { stdout } = await promisify( execFile )( 'mariadb', [
		'--no-defaults',
		`--socket=${ database.socket }`,
		`--user=${ database.user }`,
		`--password=${ database.password }`,
		'--batch',
		'--skip-column-names',
		database.database,
		'-e',
		statement,
	] );
	return stdout.trim();
}

/** A draft page of the app type holding `slug`, which no Orbit route creates. */
async function squat( slug: string ): Promise< number > {
	const posts = await sql( "SHOW TABLES LIKE '%\\_posts'" );
	const now = new Date().toISOString().slice( 0, 19 ).replace( 'T', ' ' );
	const id = await sql(
		`INSERT INTO \`${ posts }\` (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, comment_status, ping_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type) VALUES (1, '${ now }', '${ now }', '', 'Imported ${ slug }', '', 'draft', 'closed', 'closed', '${ slug }', '', '', '${ now }', '${ now }', '', 'orbit_app'); SELECT LAST_INSERT_ID();`
	);
	return Number( id );
}

async function letters( jobId: string ): Promise< DeadLetter[] > {
	const answer = await call(
		restUrl( stack, '/k8or-orbit/v1/dead-letters' ),
		{
			headers: basicAuth( userWithRole( stack, 'administrator' ) ),
		}
	);
	expect( answer.status, JSON.stringify( answer.body ) ).toBe( 200 );
	return ( answer.body.items as DeadLetter[] ).filter(
		( letter ) => letter.jobId === jobId
	);
}

function deliverAgain( letterId: string ) {
	return call(
		restUrl( stack, `/k8or-orbit/v1/dead-letters/${ letterId }/deliver` ),
		{
			method: 'POST',
			headers: basicAuth( userWithRole( stack, 'administrator' ) ),
		}
	);
}

beforeAll( () => {
	stack = loadStack();
	const file = JSON.parse(
		readFileSync( process.env.ORBIT_STACK_FILE!, 'utf8' )
	) as { mariadb: typeof database };
	database = file.mariadb;
	workDir = mkdtempSync( join( tmpdir(), 'orbit-refused-callback-' ) );
} );

afterAll( async () => {
	rmSync( workDir, { recursive: true, force: true } );
	for ( const id of appIds ) {
		await deleteAppPost( stack, id );
	}
} );

describe( 'a callback WordPress refuses', () => {
	it( 'lands in the dead-letter store once, is not retried, and is delivered again after the fix', async () => {
		const appName = uniqueAppName();
		const squatter = await squat( appName );
		appIds.push( squatter );
		const operator = userWithRole( stack, 'orbit_operator' );
		const image = await buildDockerArchive( workDir, 16 * 1024 );
		const upload = await startUpload(
			stack,
			operator,
			appName,
			readArchive( image.archive )
		);
		const completed = await call(
			restUrl(
				stack,
				`/k8or-orbit/v1/uploads/${ upload.uploadId }/complete`
			),
			{
				method: 'POST',
				headers: {
					...basicAuth( operator ),
					'Content-Type': 'application/json',
				},
				body: completion( upload, appName, 'dev' ),
			}
		);
		expect( completed.status, JSON.stringify( completed.body ) ).toBe(
			202
		);
		const jobId = completed.body.jobId as string;

		// The job fails at once with the reason, rather than retrying the refused events.
		let job: { status: string; error?: { code: string; message: string } } =
			{ status: 'queued' };
		for (
			let attempt = 0;
			attempt < 120 && ! [ 'succeeded', 'failed' ].includes( job.status );
			attempt++
		) {
			await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
			job = (
				await call(
					restUrl( stack, `/k8or-orbit/v1/jobs/${ jobId }` ),
					{
						headers: basicAuth( operator ),
					}
				)
			).body;
		}
		expect( job.status, JSON.stringify( job ) ).toBe( 'failed' );
		expect( job.error?.code ).toBe( 'callback_refused' );
		expect( job.error?.message ).toContain( 'orbit_app_name_taken' );

		const [ letter, ...more ] = await letters( jobId );
		expect( more ).toEqual( [] );
		expect( letter ).toMatchObject( {
			appName,
			httpStatus: 409,
			status: 'refused',
			refusals: 1,
		} );
		expect( letter!.answer ).toContain( 'orbit_app_name_taken' );
		expect( letter!.events.map( ( event ) => event.name ) ).toContain(
			'database-update-started'
		);

		// Longer than the bridge's first retry delays: nothing resends it.
		await new Promise( ( resolve ) => setTimeout( resolve, 6000 ) );
		expect( await letters( jobId ) ).toEqual( [ letter ] );

		// Before the fix WordPress refuses again, and says why.
		const early = await deliverAgain( letter!.letterId );
		expect( early.status ).toBe( 409 );
		expect( early.body.message ).toContain( 'orbit_app_name_taken' );

		// The fix: the page holding the slug goes.
		const removed = await call(
			restUrl( stack, `/wp/v2/orbit_app/${ squatter }`, {
				force: 'true',
			} ),
			{
				method: 'DELETE',
				headers: basicAuth( userWithRole( stack, 'administrator' ) ),
			}
		);
		expect( removed.status, JSON.stringify( removed.body ) ).toBe( 200 );

		const delivered = await deliverAgain( letter!.letterId );
		expect( delivered.status, JSON.stringify( delivered.body ) ).toBe(
			200
		);
		expect( delivered.body.letter.status ).toBe( 'delivered' );
		expect( delivered.body.applied ).toBeGreaterThan( 0 );

		const catalog = await call(
			restUrl( stack, '/k8or-orbit/v1/apps', { search: appName } ),
			{ headers: basicAuth( operator ) }
		);
		const app = (
			catalog.body as Array< { id: number; name: string } >
		 ).find( ( entry ) => entry.name === appName );
		expect( app, JSON.stringify( catalog.body ) ).toBeDefined();
		appIds.push( app!.id );
		const [ after ] = await letters( jobId );
		expect( after ).toMatchObject( { status: 'delivered', refusals: 2 } );
	} );
} );
