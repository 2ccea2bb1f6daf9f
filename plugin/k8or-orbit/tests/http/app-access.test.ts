/**
 * The content roles against an app's identity and Orbit's hidden facts, over real HTTP with
 * application passwords: each test performs the attack as the lower role and expects it to fail.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	basicAuth,
	call,
	loadStack,
	restUrl,
	sendBridgeEvents,
	uniqueAppName,
	uploadEvent,
	userWithRole,
	type OrbitEvent,
	type Stack,
	type StackUser,
	deleteAppPost,
} from './support';

let stack: Stack;
let admin: Record< string, string >;
let editor: Record< string, string >;
let operator: Record< string, string >;
let author: Record< string, string >;
let contributor: Record< string, string >;
const createdUsers: number[] = [];
const createdPosts: number[] = [];

/** A user of a role made for this file, with an application password. */
async function makeUser( role: string ): Promise< Record< string, string > > {
	const login = `orbit-${ role }-${ randomUUID().slice( 0, 8 ) }`;
	const created = await call( restUrl( stack, '/wp/v2/users' ), {
		method: 'POST',
		headers: { ...admin, 'Content-Type': 'application/json' },
		body: JSON.stringify( {
			username: login,
			email: `${ login }@orbit.localhost`,
			password: randomUUID(),
			roles: [ role ],
		} ),
	} );
	expect( created.status, JSON.stringify( created.body ) ).toBe( 201 );
	createdUsers.push( created.body.id );
	const password = await call(
		restUrl(
			stack,
			`/wp/v2/users/${ created.body.id }/application-passwords`
		),
		{
			method: 'POST',
			headers: { ...admin, 'Content-Type': 'application/json' },
			body: JSON.stringify( { name: 'app-access-test' } ),
		}
	);
	expect( password.status, JSON.stringify( password.body ) ).toBe( 201 );
	const user: StackUser = {
		login,
		password: '',
		applicationPassword: password.body.password,
		role,
	};
	return basicAuth( user );
}

/** Sends events to WordPress as the bridge does. */
function deliver( ...events: OrbitEvent[] ) {
	return sendBridgeEvents( stack, events );
}

/** A new app made by the bridge's events, with a word in its title to search for. */
async function bridgeApp(
	word: string,
	extra: Record< string, unknown > = {}
): Promise< { id: number; name: string; title: string } > {
	const name = uniqueAppName();
	const event = uploadEvent( name, `job-${ randomUUID() }` );
	const app = event.data.app as Record< string, unknown >;
	app.title = `${ word } ${ name }`;
	event.actor = { id: 1, login: 'uploader-login' };
	( app.image as Record< string, unknown > ).uploadedBy = event.actor;
	event.data = { ...event.data, ...extra };
	const answer = await deliver( event );
	expect( answer.status, JSON.stringify( answer.body ) ).toBe( 200 );
	const id = answer.body.app.id as number;
	createdPosts.push( id );
	return { id, name, title: app.title as string };
}

/** Marks an app deleted from dev, as the delete job reports it. */
async function deleteApp( name: string ) {
	const event = uploadEvent( name, `job-${ randomUUID() }` );
	event.name = 'app-deleted';
	event.step = 'delete';
	event.outcome = 'succeeded';
	event.data = { deleted: { deleted: true, environment: 'dev' } };
	const answer = await deliver( event );
	expect( answer.status, JSON.stringify( answer.body ) ).toBe( 200 );
}

function wpV2(
	route: string,
	headers: Record< string, string > = {},
	query: Record< string, string > = {}
) {
	return call( restUrl( stack, route, query ), { headers } );
}

function save(
	id: number,
	headers: Record< string, string >,
	fields: Record< string, unknown >
) {
	return call( restUrl( stack, `/wp/v2/orbit_app/${ id }` ), {
		method: 'POST',
		headers: { ...headers, 'Content-Type': 'application/json' },
		body: JSON.stringify( fields ),
	} );
}

beforeAll( async () => {
	stack = loadStack();
	admin = basicAuth( userWithRole( stack, 'administrator' ) );
	editor = basicAuth( userWithRole( stack, 'editor' ) );
	operator = basicAuth( userWithRole( stack, 'orbit_operator' ) );
	author = await makeUser( 'author' );
	contributor = await makeUser( 'contributor' );
} );

afterAll( async () => {
	for ( const id of createdPosts ) {
		await deleteAppPost( stack, id );
	}
	for ( const id of createdUsers ) {
		await call(
			restUrl( stack, `/wp/v2/users/${ id }`, {
				force: 'true',
				reassign: '1',
			} ),
			{ method: 'DELETE', headers: admin }
		);
	}
} );

describe( "an app's identity", () => {
	it( 'refuses authors and contributors who try to create an app page under a coming app name', async () => {
		const name = uniqueAppName();
		for ( const [ role, headers ] of [
			[ 'contributor', contributor ],
			[ 'author', author ],
		] as const ) {
			const squat = await call( restUrl( stack, '/wp/v2/orbit_app' ), {
				method: 'POST',
				headers: { ...headers, 'Content-Type': 'application/json' },
				body: JSON.stringify( {
					title: 'Squatter',
					slug: name,
					status: 'author' === role ? 'publish' : 'draft',
				} ),
			} );
			if ( typeof squat.body?.id === 'number' ) {
				createdPosts.push( squat.body.id );
			}
			expect( squat.status, role ).toBe( 403 );
		}

		// The bridge's upload then makes the one public page of that name.
		const answer = await deliver(
			uploadEvent( name, `job-${ randomUUID() }` )
		);
		expect( answer.status, JSON.stringify( answer.body ) ).toBe( 200 );
		createdPosts.push( answer.body.app.id );
		const listed = await wpV2( '/k8or-orbit/v1/apps', {}, { name } );
		expect( listed.body.map( ( app: { id: number } ) => app.id ) ).toEqual(
			[ answer.body.app.id ]
		);
	} );

	it( 'keeps the app name when an editor renames the page, and lets the editor edit title and excerpt', async () => {
		const app = await bridgeApp( 'rename' );
		const renamed = await save( app.id, editor, {
			slug: `${ app.name }-taken-over`,
		} );
		expect( renamed.status ).toBe( 400 );
		expect( renamed.body.code ).toBe( 'orbit_app_name_immutable' );

		const edited = await save( app.id, editor, {
			title: 'A clearer title',
			excerpt: 'What the app does.',
		} );
		expect( edited.status, JSON.stringify( edited.body ) ).toBe( 200 );

		const shown = await wpV2( `/wp/v2/orbit_app/${ app.id }` );
		expect( shown.body.slug ).toBe( app.name );
		expect( shown.body.title.rendered ).toBe( 'A clearer title' );
	} );

	it( 'does not let authors or contributors edit an app page', async () => {
		const app = await bridgeApp( 'edit' );
		for ( const headers of [ author, contributor ] ) {
			const answer = await save( app.id, headers, { title: 'Mine now' } );
			expect( answer.status ).toBe( 403 );
		}
	} );
} );

describe( 'deleted apps', () => {
	it( 'are hidden from wp/v2 under any spelling of the route, search, the sitemap and Query Loop blocks', async () => {
		const word = `gone${ randomUUID().slice( 0, 8 ) }`;
		const kept = await bridgeApp( word );
		const gone = await bridgeApp( word );
		await deleteApp( gone.name );

		for ( const [ who, headers ] of [
			[ 'visitor', {} ],
			[ 'editor', editor ],
			[ 'author', author ],
		] as const ) {
			for ( const route of [
				`/wp/v2/orbit_app/${ gone.id }`,
				`/wp/v2/Orbit_App/${ gone.id }`,
				`/wp/v2/ORBIT_APP/${ gone.id }`,
			] ) {
				const answer = await wpV2( route, headers );
				expect( answer.status, `${ who } ${ route }` ).toBe( 404 );
			}
			const search = await wpV2( '/wp/v2/search', headers, {
				search: word,
			} );
			expect(
				search.body.map( ( hit: { id: number } ) => hit.id ),
				who
			).toEqual( [ kept.id ] );
		}
		// Operators still see it.
		expect(
			( await wpV2( `/wp/v2/Orbit_App/${ gone.id }`, operator ) ).status
		).toBe( 200 );

		const sitemap = await fetch(
			`${ stack.wordpress.url }/?sitemap=posts&sitemap-subtype=orbit_app&paged=1`,
			{ signal: AbortSignal.timeout( 30_000 ) }
		);
		const xml = await sitemap.text();
		expect( sitemap.status ).toBe( 200 );
		expect( xml ).toContain( `/apps/${ kept.name }/` );
		expect( xml ).not.toContain( `/apps/${ gone.name }/` );

		const page = await call( restUrl( stack, '/wp/v2/pages' ), {
			method: 'POST',
			headers: { ...admin, 'Content-Type': 'application/json' },
			body: JSON.stringify( {
				title: `Query Loop ${ word }`,
				status: 'publish',
				content: `<!-- wp:query {"queryId":1,"query":{"perPage":20,"postType":"orbit_app","search":"${ word }","inherit":false}} --><div class="wp-block-query"><!-- wp:post-template --><!-- wp:post-title /--><!-- /wp:post-template --></div><!-- /wp:query -->`,
			} ),
		} );
		expect( page.status, JSON.stringify( page.body ) ).toBe( 201 );
		try {
			const html = await (
				await fetch( page.body.link, {
					signal: AbortSignal.timeout( 30_000 ),
				} )
			).text();
			expect( html ).toContain( kept.name );
			expect( html ).not.toContain( gone.name );
		} finally {
			await call(
				restUrl( stack, `/wp/v2/pages/${ page.body.id }`, {
					force: 'true',
				} ),
				{ method: 'DELETE', headers: admin }
			);
		}
	} );
} );

describe( 'password-protected apps', () => {
	it( 'show no Orbit facts in wp/v2 or on their page until the password is given', async () => {
		const app = await bridgeApp( 'protected' );
		const repository = `orbit/${ app.name }`;
		const before = await fetch(
			( await wpV2( `/wp/v2/orbit_app/${ app.id }` ) ).body.link,
			{
				signal: AbortSignal.timeout( 30_000 ),
			}
		);
		expect( await before.text() ).toContain( repository );

		const protect = await save( app.id, admin, {
			password: 'open-sesame',
		} );
		expect( protect.status, JSON.stringify( protect.body ) ).toBe( 200 );

		const shown = await wpV2( `/wp/v2/orbit_app/${ app.id }` );
		expect( shown.status ).toBe( 200 );
		expect( shown.body.meta ).not.toHaveProperty( 'k8or_orbit_image' );
		expect( shown.body.meta ).not.toHaveProperty( 'k8or_orbit_scan' );
		const listed = await wpV2(
			'/wp/v2/orbit_app',
			{},
			{
				include: String( app.id ),
			}
		);
		expect( listed.body[ 0 ].meta ).not.toHaveProperty(
			'k8or_orbit_image'
		);

		const page = await fetch( shown.body.link, {
			signal: AbortSignal.timeout( 30_000 ),
		} );
		expect( await page.text() ).not.toContain( repository );

		const withPassword = await wpV2(
			`/wp/v2/orbit_app/${ app.id }`,
			{},
			{
				password: 'open-sesame',
			}
		);
		expect( withPassword.body.meta.k8or_orbit_image.repository ).toBe(
			repository
		);
	} );
} );

describe( 'operator-only fields', () => {
	it( 'stay hidden from editors asking for the edit context', async () => {
		const app = await bridgeApp( 'fields', {
			scan: {
				status: 'scanned',
				counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
				reportLocation: `reports/${ randomUUID() }.json`,
			},
		} );
		await deleteApp( app.name );
		// Restored, so that the editor may open it at all.
		const restore = uploadEvent( app.name, `job-${ randomUUID() }` );
		restore.name = 'app-restored';
		restore.data = { deleted: { deleted: false } };
		expect( ( await deliver( restore ) ).status ).toBe( 200 );

		const asEditor = await wpV2( `/wp/v2/orbit_app/${ app.id }`, editor, {
			context: 'edit',
		} );
		expect( asEditor.status, JSON.stringify( asEditor.body ) ).toBe( 200 );
		const meta = asEditor.body.meta;
		expect( meta.k8or_orbit_image.repository ).toBe(
			`orbit/${ app.name }`
		);
		expect( meta.k8or_orbit_image ).not.toHaveProperty( 'uploadedBy' );
		expect( meta.k8or_orbit_scan ).not.toHaveProperty( 'reportLocation' );
		expect( meta ).not.toHaveProperty( 'k8or_orbit_deleted' );
		expect( JSON.stringify( asEditor.body ) ).not.toContain(
			'uploader-login'
		);

		const asAdmin = await wpV2( `/wp/v2/orbit_app/${ app.id }`, admin, {
			context: 'edit',
		} );
		expect( asAdmin.body.meta.k8or_orbit_image.uploadedBy.login ).toBe(
			'uploader-login'
		);
		expect( asAdmin.body.meta.k8or_orbit_scan.reportLocation ).toMatch(
			/^reports\//
		);
		expect( asAdmin.body.meta.k8or_orbit_deleted.deleted ).toBe( false );
	} );
} );
