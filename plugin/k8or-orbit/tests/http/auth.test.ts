/**
 * Who may call what over real HTTP: application passwords (no cookies) and cookie sessions with nonces.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import {
	basicAuth,
	call,
	logIn,
	loadStack,
	restUrl,
	userWithRole,
	type Stack,
} from './support';

let stack: Stack;
/** A job id no job has: the route's own checks answer before the bridge is asked. */
const NO_SUCH_JOB = { job: '00000000-0000-4000-8000-000000000000' };

beforeAll( () => {
	stack = loadStack();
} );

describe( 'application passwords', () => {
	it( 'lets an operator read jobs and live credentials but not the settings', async () => {
		const operator = basicAuth( userWithRole( stack, 'orbit_operator' ) );

		// Past the capability check: the bridge is asked for the job, which does not exist.
		const live = await call(
			restUrl( stack, '/k8or-orbit/v1/live', NO_SUCH_JOB ),
			{ headers: operator }
		);
		expect( live.status ).toBe( 404 );
		expect( live.body.code ).toBe( 'orbit_job_not_found' );

		const status = await call(
			restUrl( stack, '/k8or-orbit/v1/bridge/status' ),
			{ headers: operator }
		);
		expect( status.status ).toBe( 200 );
		expect( status.body.connected ).toBe( true );

		const settings = await call(
			restUrl( stack, '/k8or-orbit/v1/settings' ),
			{ headers: operator }
		);
		expect( settings.status ).toBe( 403 );
	} );

	it( 'keeps an editor out of every Orbit operation with 403', async () => {
		const editor = basicAuth( userWithRole( stack, 'editor' ) );
		for ( const route of [
			'/k8or-orbit/v1/live',
			'/k8or-orbit/v1/jobs/some-job',
			'/k8or-orbit/v1/settings',
			'/k8or-orbit/v1/bridge/status',
		] ) {
			const answer = await call( restUrl( stack, route, NO_SUCH_JOB ), {
				headers: editor,
			} );
			expect( answer.status, route ).toBe( 403 );
		}
		const upload = await call( restUrl( stack, '/k8or-orbit/v1/uploads' ), {
			method: 'POST',
			headers: { ...editor, 'Content-Type': 'application/json' },
			body: JSON.stringify( {
				appName: 'not-allowed',
				version: '1.0.0',
				filename: 'image.tar',
				size: 1024,
			} ),
		} );
		expect( upload.status ).toBe( 403 );
	} );

	it( 'answers visitors 401 outside the public catalog and a wrong password 401', async () => {
		expect(
			(
				await call(
					restUrl( stack, '/k8or-orbit/v1/live', NO_SUCH_JOB )
				)
			).status
		).toBe( 401 );
		expect(
			( await call( restUrl( stack, '/k8or-orbit/v1/apps' ) ) ).status
		).toBe( 200 );
		expect(
			( await call( restUrl( stack, '/k8or-orbit/v1/environments' ) ) )
				.status
		).toBe( 200 );

		const operator = userWithRole( stack, 'orbit_operator' );
		const wrong = await call(
			restUrl( stack, '/k8or-orbit/v1/live', NO_SUCH_JOB ),
			{
				headers: basicAuth( {
					...operator,
					applicationPassword: 'wrong wrong wrong wrong',
				} ),
			}
		);
		expect( wrong.status ).toBe( 401 );
	} );

	it( 'lets an administrator read the settings without any secret in them', async () => {
		const admin = basicAuth( userWithRole( stack, 'administrator' ) );
		const settings = await call(
			restUrl( stack, '/k8or-orbit/v1/settings' ),
			{ headers: admin }
		);
		expect( settings.status ).toBe( 200 );
		expect( settings.body.bridgeSecretSet ).toBe( true );
		expect( JSON.stringify( settings.body ) ).not.toContain(
			stack.bridge.secret
		);
	} );
} );

describe( 'cookie sessions', () => {
	it( 'refuses a cookie write without the wp_rest nonce and accepts it with one', async () => {
		const admin = userWithRole( stack, 'administrator' );
		const cookie = await logIn( stack, admin );
		const put = ( headers: Record< string, string >, value: boolean ) =>
			call( restUrl( stack, '/k8or-orbit/v1/settings' ), {
				method: 'PUT',
				headers: {
					...headers,
					Cookie: cookie,
					'Content-Type': 'application/json',
				},
				body: JSON.stringify( { removeContentOnUninstall: value } ),
			} );

		const withoutNonce = await put( {}, true );
		expect( withoutNonce.status ).toBe( 401 );

		const nonceAnswer = await fetch(
			stack.wordpress.url + '/wp-admin/admin-ajax.php?action=rest-nonce',
			{
				headers: { Cookie: cookie },
				signal: AbortSignal.timeout( 30_000 ),
			}
		);
		const nonce = ( await nonceAnswer.text() ).trim();
		expect( nonce ).toMatch( /^[0-9a-f]{10}$/ );

		const read = await call( restUrl( stack, '/k8or-orbit/v1/settings' ), {
			headers: { Cookie: cookie, 'X-WP-Nonce': nonce },
		} );
		expect( read.status ).toBe( 200 );
		expect( read.body.removeContentOnUninstall ).toBe( false );

		const withNonce = await put( { 'X-WP-Nonce': nonce }, true );
		expect( withNonce.status ).toBe( 200 );
		expect( withNonce.body.removeContentOnUninstall ).toBe( true );
		const restored = await put( { 'X-WP-Nonce': nonce }, false );
		expect( restored.body.removeContentOnUninstall ).toBe( false );

		const wrongNonce = await put( { 'X-WP-Nonce': '0123456789' }, true );
		expect( wrongNonce.status ).toBe( 403 );
		expect( wrongNonce.body.code ).toBe( 'rest_cookie_invalid_nonce' );
	} );
} );
