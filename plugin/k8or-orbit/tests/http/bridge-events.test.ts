/**
 * POST /bridge/events over real HTTP: only correctly signed, fresh callbacks change anything.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	CALLBACK_ROUTE,
	basicAuth,
	call,
	loadStack,
	restUrl,
	signedHeaders,
	uniqueAppName,
	uploadEvent,
	userWithRole,
	type Stack,
	deleteAppPost,
} from './support';

let stack: Stack;
const createdPosts: number[] = [];

beforeAll( () => {
	stack = loadStack();
} );

afterAll( async () => {
	for ( const id of createdPosts ) {
		await deleteAppPost( stack, id );
	}
} );

function postCallback( body: string, headers: Record< string, string > ) {
	return call( restUrl( stack, CALLBACK_ROUTE ), {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body,
	} );
}

function sign(
	body: string,
	overrides: { secret?: string; timestamp?: number; requestId?: string } = {}
) {
	return signedHeaders( {
		secret: overrides.secret ?? stack.bridge.secret,
		method: 'POST',
		path: CALLBACK_ROUTE,
		body,
		timestamp: overrides.timestamp,
		requestId: overrides.requestId,
	} );
}

/** Whether an app with this name exists, as an operator (who also sees drafts and deleted apps) finds it. */
async function findApp(
	appName: string
): Promise< Array< { id: number; name: string; title: string } > > {
	const answer = await call(
		restUrl( stack, '/k8or-orbit/v1/apps', {
			name: appName,
			include_deleted: 'true',
		} ),
		{ headers: basicAuth( userWithRole( stack, 'orbit_operator' ) ) }
	);
	expect( answer.status ).toBe( 200 );
	return (
		answer.body as Array< { id: number; name: string; title: string } >
	 ).filter( ( app ) => app.name === appName );
}

describe( 'signed callbacks', () => {
	const now = () => Math.floor( Date.now() / 1000 );

	const rejected: Array<
		[
			string,
			( body: string ) => {
				body: string;
				headers: Record< string, string >;
			},
		]
	> = [
		[
			'missing signature',
			( body ) => {
				const headers = sign( body );
				delete headers[ 'X-Orbit-Signature' ];
				return { body, headers };
			},
		],
		[ 'no headers at all', ( body ) => ( { body, headers: {} } ) ],
		[
			'wrong secret',
			( body ) => ( {
				body,
				headers: sign( body, {
					secret: 'not-the-secret-' + 'x'.repeat( 40 ),
				} ),
			} ),
		],
		[
			'expired timestamp',
			( body ) => ( {
				body,
				headers: sign( body, { timestamp: now() - 301 } ),
			} ),
		],
		[
			'timestamp from the future',
			( body ) => ( {
				body,
				headers: sign( body, { timestamp: now() + 301 } ),
			} ),
		],
		[
			'body tampered after signing',
			( body ) => ( {
				body: body.replace( '"HTTP test', '"Tampered' ),
				headers: sign( body ),
			} ),
		],
	];

	it.each( rejected )(
		'rejects a callback with %s and changes nothing',
		async ( _case, build ) => {
			const appName = uniqueAppName();
			const request = build(
				JSON.stringify( {
					events: [ uploadEvent( appName, randomUUID() ) ],
				} )
			);

			const answer = await postCallback( request.body, request.headers );

			expect( answer.status ).toBe( 401 );
			expect( answer.body.code ).toMatch( /^orbit_signature_/ );
			expect( answer.body.message.length ).toBeGreaterThan( 20 );
			expect( await findApp( appName ) ).toEqual( [] );
		}
	);

	it( 'rejects a replayed request id even with a valid signature, changing nothing', async () => {
		const first = JSON.stringify( {
			events: [ uploadEvent( uniqueAppName(), randomUUID() ) ],
		} );
		const firstHeaders = sign( first );
		const accepted = await postCallback( first, firstHeaders );
		expect( accepted.status ).toBe( 200 );
		if ( accepted.body.app ) {
			createdPosts.push( accepted.body.app.id );
		}

		const appName = uniqueAppName();
		const second = JSON.stringify( {
			events: [ uploadEvent( appName, randomUUID() ) ],
		} );
		const replay = await postCallback(
			second,
			sign( second, { requestId: firstHeaders[ 'X-Orbit-Request-Id' ] } )
		);

		expect( replay.status ).toBe( 401 );
		expect( replay.body.code ).toBe( 'orbit_signature_replayed' );
		expect( await findApp( appName ) ).toEqual( [] );

		// The very same request sent again is a replay too.
		const again = await postCallback( first, firstHeaders );
		expect( again.status ).toBe( 401 );
	} );

	it( 'applies a valid callback once and counts the resent event as a duplicate', async () => {
		const appName = uniqueAppName();
		const body = JSON.stringify( {
			events: [ uploadEvent( appName, randomUUID() ) ],
		} );

		const answer = await postCallback( body, sign( body ) );
		expect( answer.status ).toBe( 200 );
		expect( answer.body ).toMatchObject( {
			applied: 1,
			duplicates: 0,
			app: { name: appName },
		} );
		createdPosts.push( answer.body.app.id );

		const apps = await findApp( appName );
		expect( apps ).toHaveLength( 1 );
		expect( apps[ 0 ]?.title ).toBe( `HTTP test ${ appName }` );

		// The bridge retries with a new request id: nothing is applied twice.
		const retry = await postCallback( body, sign( body ) );
		expect( retry.status ).toBe( 200 );
		expect( retry.body ).toMatchObject( {
			applied: 0,
			duplicates: 1,
			app: { id: answer.body.app.id },
		} );
		expect( await findApp( appName ) ).toHaveLength( 1 );

		// Visitors see the new app in the catalog.
		const publicList = await call(
			restUrl( stack, '/k8or-orbit/v1/apps', { name: appName } )
		);
		expect(
			publicList.body.map( ( app: { name: string } ) => app.name )
		).toEqual( [ appName ] );
	} );
	it( 'refuses an event dated in the future, so no such event can freeze an app against real updates', async () => {
		const appName = uniqueAppName();
		const created = uploadEvent( appName, randomUUID() );
		const first = JSON.stringify( { events: [ created ] } );
		const answer = await postCallback( first, sign( first ) );
		expect( answer.status ).toBe( 200 );
		createdPosts.push( answer.body.app.id );

		const future = {
			...uploadEvent( appName, randomUUID() ),
			time: new Date( Date.now() + 24 * 3600 * 1000 ).toISOString(),
		};
		( future.data.app as { image: { tag: string } } ).image.tag = '9.9.9';
		const forged = JSON.stringify( { events: [ future ] } );
		const refused = await postCallback( forged, sign( forged ) );
		expect( refused.status ).toBe( 400 );
		expect( refused.body.message ).toMatch( /in the future/ );

		// A real update made now still wins.
		const update = uploadEvent( appName, randomUUID() );
		( update.data.app as { image: { tag: string } } ).image.tag = '2.0.0';
		const body = JSON.stringify( { events: [ update ] } );
		expect( ( await postCallback( body, sign( body ) ) ).status ).toBe(
			200
		);
		const listed = await call(
			restUrl( stack, '/k8or-orbit/v1/apps', { name: appName } )
		);
		expect( listed.body[ 0 ]?.image?.tag ).toBe( '2.0.0' );
	} );

	it( 'hides an app deleted by a callback from visitors but keeps it for operators', async () => {
		const appName = uniqueAppName();
		const jobId = randomUUID();
		const created = JSON.stringify( {
			events: [ uploadEvent( appName, jobId ) ],
		} );
		const answer = await postCallback( created, sign( created ) );
		expect( answer.status ).toBe( 200 );
		createdPosts.push( answer.body.app.id );

		const publicPage = () =>
			fetch( `${ stack.wordpress.url }/?orbit_app=${ appName }`, {
				signal: AbortSignal.timeout( 30_000 ),
			} );
		const before = await publicPage();
		expect( before.status ).toBe( 200 );
		expect( await before.text() ).toContain( `HTTP test ${ appName }` );

		const deletion = JSON.stringify( {
			events: [
				{
					...uploadEvent( appName, jobId, 2 ),
					name: 'deleted',
					data: { deleted: { deleted: true, environment: 'dev' } },
				},
			],
		} );
		expect(
			( await postCallback( deletion, sign( deletion ) ) ).status
		).toBe( 200 );

		expect( ( await publicPage() ).status ).toBe( 404 );
		const catalog = await call(
			restUrl( stack, '/k8or-orbit/v1/apps', { name: appName } )
		);
		expect( catalog.body ).toEqual( [] );
		const single = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ answer.body.app.id }` )
		);
		expect( single.status ).toBe( 404 );

		const forOperator = await findApp( appName );
		expect( forOperator ).toHaveLength( 1 );
	} );
} );
