/**
 * Orbit → Settings in wp-admin over real HTTP: the form, its nonce and its validation messages.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import {
	basicAuth,
	call,
	getPage,
	logIn,
	loadStack,
	restUrl,
	userWithRole,
	type Stack,
} from './support';

let stack: Stack;

beforeAll( () => {
	stack = loadStack();
} );

const settingsPage = () =>
	`${ stack.wordpress.url }/wp-admin/admin.php?page=k8or-orbit-settings`;

interface EnvironmentSettings {
	name: string;
	namespace: string;
	bucket: string;
	registry: string;
	mode: string;
	restricted: boolean;
	policy: { scanRequired: boolean; maxSeverity: string };
}

/** The form fields for a list of environments, as the settings screen names them. */
function environmentFields(
	environments: EnvironmentSettings[]
): Array< [ string, string ] > {
	return environments.flatMap( ( environment, index ) => {
		const prefix = `orbit[environments][${ index }]`;
		const fields: Array< [ string, string ] > = [
			[ `${ prefix }[name]`, environment.name ],
			[ `${ prefix }[namespace]`, environment.namespace ],
			[ `${ prefix }[bucket]`, environment.bucket ],
			[ `${ prefix }[registry]`, environment.registry ],
			[ `${ prefix }[mode]`, environment.mode ],
			[ `${ prefix }[maxSeverity]`, environment.policy.maxSeverity ],
		];
		if ( environment.restricted ) {
			fields.push( [ `${ prefix }[restricted]`, '1' ] );
		}
		if ( environment.policy.scanRequired ) {
			fields.push( [ `${ prefix }[scanRequired]`, '1' ] );
		}
		return fields;
	} );
}

describe( 'settings screen', () => {
	it( 'is closed to operators', async () => {
		const cookie = await logIn(
			stack,
			userWithRole( stack, 'orbit_operator' )
		);
		expect( ( await getPage( settingsPage(), cookie ) ).status ).toBe(
			403
		);
	} );

	it( 'refuses invalid values with messages and saves valid ones', async () => {
		const admin = userWithRole( stack, 'administrator' );
		const cookie = await logIn( stack, admin );
		const current = await call(
			restUrl( stack, '/k8or-orbit/v1/settings' ),
			{ headers: basicAuth( admin ) }
		);
		const environments = current.body.environments as EnvironmentSettings[];

		const page = await getPage( settingsPage(), cookie );
		expect( page.status ).toBe( 200 );
		const nonce = /name="_wpnonce" value="([0-9a-f]+)"/.exec(
			page.html
		)?.[ 1 ];
		expect( nonce ).toBeDefined();
		for ( const environment of environments ) {
			expect( page.html ).toContain( `value="${ environment.name }"` );
		}

		const submit = async (
			fields: Array< [ string, string ] >,
			withNonce = true
		) => {
			const form = new URLSearchParams( [
				[ 'action', 'k8or_orbit_save_settings' ],
				...( withNonce
					? [ [ '_wpnonce', nonce as string ] as [ string, string ] ]
					: [] ),
				[
					'_wp_http_referer',
					'/wp-admin/admin.php?page=k8or-orbit-settings',
				],
				...fields,
			] );
			return fetch( `${ stack.wordpress.url }/wp-admin/admin-post.php`, {
				method: 'POST',
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					Cookie: cookie,
				},
				body: form.toString(),
				redirect: 'manual',
				signal: AbortSignal.timeout( 30_000 ),
			} );
		};

		const invalidEnvironments = environments.map( ( environment, index ) =>
			index === 0
				? { ...environment, namespace: 'Not_A_Namespace!', bucket: 'x' }
				: environment
		);
		const invalid = await submit(
			environmentFields( invalidEnvironments )
		);
		expect( invalid.status ).toBe( 302 );
		expect( invalid.headers.get( 'location' ) ).toContain(
			'orbit-settings=invalid'
		);
		const shown = await getPage(
			invalid.headers.get( 'location' ) as string,
			cookie
		);
		expect( shown.html ).toContain( 'id="k8or-orbit-settings-errors"' );
		expect( shown.html ).toContain(
			'the Kubernetes namespace must be a DNS label'
		);
		expect( shown.html ).toContain( 'the bucket name must be 3–63' );
		const unchanged = await call(
			restUrl( stack, '/k8or-orbit/v1/settings' ),
			{ headers: basicAuth( admin ) }
		);
		expect( unchanged.body.environments ).toEqual( environments );

		const withoutNonce = await submit(
			environmentFields( environments ),
			false
		);
		expect( withoutNonce.status ).toBe( 403 );

		const valid = await submit( environmentFields( environments ) );
		expect( valid.headers.get( 'location' ) ).toContain(
			'orbit-settings=saved'
		);
		expect(
			(
				await getPage(
					valid.headers.get( 'location' ) as string,
					cookie
				)
			).html
		).toContain( 'Settings saved.' );
		const saved = await call( restUrl( stack, '/k8or-orbit/v1/settings' ), {
			headers: basicAuth( admin ),
		} );
		expect( saved.body.environments ).toEqual( environments );
	} );
} );
