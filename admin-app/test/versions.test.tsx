import { render, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import type { AppVersion, OrbitApp } from '../src/api/types';
import { VersionsScreen } from '../src/screens/versions';
import { rest, server } from './support/msw-server';

const APP: OrbitApp = {
	id: 12,
	name: 'hello-web',
	title: 'Hello Web',
	excerpt: '',
	link: 'http://localhost/apps/hello-web/',
	status: 'publish',
	categories: [],
	image: {
		repository: 'example.test/hello-web',
		tag: '1.0.1',
		version: '1.0.1',
	},
	scan: { status: 'scanned' },
	verdicts: {},
	environments: {},
	deleted: { deleted: false },
	modified: '2026-11-27T22:00:00',
};

const digest = ( digit: string ) => `sha256:${ digit.repeat( 64 ) }`;

const VERSIONS: AppVersion[] = [
	{
		label: '1.0.1',
		configDigest: digest( 'e' ),
		archiveDigest: digest( 'f' ),
		size: 3 * 1024 * 1024,
		uploadedBy: { id: 2, login: 'operator' },
		uploadedAt: '2026-11-27T22:00:00.000Z',
		scan: { status: 'scanned' },
	},
	{
		label: '1.0.0',
		configDigest: digest( 'd' ),
		archiveDigest: digest( 'c' ),
		size: 2048,
		uploadedAt: '2026-11-27T21:00:00.000Z',
		scan: { status: 'unavailable' },
	},
];

function serve( versions: AppVersion[] ) {
	const asked: string[] = [];
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps/12' ), () =>
			HttpResponse.json( APP )
		),
		http.get(
			rest( '/k8or-orbit/v1/apps/12/versions' ),
			( { request } ) => {
				asked.push( new URL( request.url ).pathname );
				return HttpResponse.json( versions );
			}
		)
	);
	return asked;
}

const cells = ( row: Element ) =>
	[ ...row.querySelectorAll( 'th, td' ) ].map( ( cell ) => cell.textContent );

describe( 'Versions screen', () => {
	it( 'lists every version newest first with digests, size, uploader, time and scan verdict', async () => {
		serve( VERSIONS );
		const { container } = render(
			<VersionsScreen appId={ 12 } navigate={ vi.fn() } />
		);
		expect(
			await within( container ).findByText( 'Versions of Hello Web' )
		).toBeTruthy();
		const rows = [ ...container.querySelectorAll( 'tbody tr' ) ];
		expect( rows ).toHaveLength( 2 );
		const [ newest, older ] = rows.map( cells );
		expect( newest?.[ 0 ] ).toBe( '1.0.1 (current)' );
		expect( newest?.slice( 1, 5 ) ).toEqual( [
			'sha256:eeeeeeeeeeee…',
			'sha256:ffffffffffff…',
			'3.0 MB',
			'operator',
		] );
		expect( newest?.[ 6 ] ).toBe( 'Scanned' );
		expect( older?.[ 0 ] ).toBe( '1.0.0' );
		expect( older?.[ 3 ] ).toBe( '2.0 KB' );
		// Who uploaded is for operators; without it the cell says so.
		expect( older?.[ 4 ] ).toBe( '—' );
		expect( older?.[ 5 ] ).toBe(
			new Date( '2026-11-27T21:00:00.000Z' ).toLocaleString()
		);
		expect( older?.[ 6 ] ).toBe( 'Not scanned: scanner unavailable' );
		// The full digest is there for whoever needs to compare it.
		expect(
			container.querySelector( `code[title="${ digest( 'c' ) }"]` )
		).toBeTruthy();
	} );

	it( 'says when an app has no versions and leads back to the images', async () => {
		serve( [] );
		const navigate = vi.fn();
		const user = userEvent.setup();
		const { container } = render(
			<VersionsScreen appId={ 12 } navigate={ navigate } />
		);
		expect(
			await within( container ).findByText( /has no versions yet/ )
		).toBeTruthy();
		await user.click(
			within( container ).getByRole( 'button', {
				name: 'Back to the images',
			} )
		);
		expect( navigate ).toHaveBeenCalledWith( { screen: 'images' } );
	} );

	it( 'shows why the versions could not be read', async () => {
		server.use(
			http.get( rest( '/k8or-orbit/v1/apps/12' ), () =>
				HttpResponse.json(
					{
						code: 'orbit_app_not_found',
						message:
							'No app with this id. Check the id in the apps list.',
					},
					{ status: 404 }
				)
			),
			http.get( rest( '/k8or-orbit/v1/apps/12/versions' ), () =>
				HttpResponse.json( [] )
			)
		);
		const { container } = render(
			<VersionsScreen appId={ 12 } navigate={ vi.fn() } />
		);
		await waitFor( () =>
			expect( container.textContent ).toContain(
				'No app with this id. Check the id in the apps list.'
			)
		);
	} );
} );
