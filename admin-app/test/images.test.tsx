import { render, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { View } from '@wordpress/dataviews';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import type { OrbitApp } from '../src/api/types';
import { ImagesScreen, viewToQuery } from '../src/screens/images';
import { rest, server } from './support/msw-server';

const app = (
	id: number,
	name: string,
	changes: Partial< OrbitApp > = {}
): OrbitApp => ( {
	id,
	name,
	title: name.replace( /-/g, ' ' ),
	excerpt: '',
	link: `http://localhost/apps/${ name }/`,
	status: 'publish',
	categories: [ { id: 3, name: 'Web', slug: 'web' } ],
	image: { repository: `example.test/${ name }`, tag: '1.0' },
	scan: { status: 'scanned' },
	verdicts: {},
	environments: { dev: { status: 'deployed', revision: 1 } },
	deleted: { deleted: false },
	modified: '2026-11-27T20:00:00',
	...changes,
} );

/** Answers GET /apps like the plugin: filters on the server, totals in headers. */
function serveApps( all: OrbitApp[] ) {
	const queries: URLSearchParams[] = [];
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps' ), ( { request } ) => {
			const query = new URL( request.url ).searchParams;
			queries.push( query );
			let items = all;
			const search = query.get( 'search' );
			if ( search ) {
				items = items.filter( ( item ) =>
					item.name.includes( search )
				);
			}
			const perPage = Number( query.get( 'per_page' ) );
			const page = Number( query.get( 'page' ) );
			return HttpResponse.json(
				items.slice( ( page - 1 ) * perPage, page * perPage ),
				{
					headers: {
						'X-WP-Total': String( items.length ),
						'X-WP-TotalPages': String(
							Math.ceil( items.length / perPage )
						),
					},
				}
			);
		} ),
		http.get( rest( '/k8or-orbit/v1/environments' ), () =>
			HttpResponse.json( [
				{
					name: 'dev',
					order: 0,
					canDeploy: true,
					policy: { scanRequired: false, maxSeverity: 'CRITICAL' },
				},
			] )
		),
		http.get( rest( '/wp/v2/orbit_category' ), () =>
			HttpResponse.json( [ { id: 3, name: 'Web', slug: 'web' } ] )
		)
	);
	return queries;
}

const rows = ( container: HTMLElement ) =>
	[
		...container.querySelectorAll( '.dataviews-view-table tbody tr' ),
	] as HTMLElement[];

describe( 'Images table', () => {
	it( 'lists the apps of the page with their image, environments and scan, and the total', async () => {
		const apps = Array.from( { length: 23 }, ( _, index ) =>
			app( index + 1, `app-${ String( index + 1 ).padStart( 2, '0' ) }` )
		);
		const queries = serveApps( apps );
		const { container } = render(
			<ImagesScreen canScan seesDeleted navigate={ () => undefined } />
		);
		await waitFor( () => expect( rows( container ) ).toHaveLength( 20 ) );
		expect( rows( container )[ 0 ]?.textContent ).toContain(
			'example.test/app-01:1.0'
		);
		expect( rows( container )[ 0 ]?.textContent ).toContain(
			'dev: deployed'
		);
		expect( within( container ).getByText( /23 items|of 2/ ) ).toBeTruthy();
		expect( Object.fromEntries( queries[ 0 ]!.entries() ) ).toMatchObject( {
			page: '1',
			per_page: '20',
			orderby: 'title',
			order: 'asc',
			include_deleted: 'true',
		} );
	} );

	it( 'shows each environment’s verdict as stored, and no verdict for an image that could not be scanned', async () => {
		const blocked = {
			environment: 'dev',
			allowed: false,
			reason: 'findings' as const,
			message:
				'dev: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)',
			blocking: [],
			evaluatedAt: '2026-11-27T20:00:00.000Z',
		};
		serveApps( [
			app( 1, 'hello-web', { verdicts: { dev: blocked } } ),
			app( 2, 'billing-api', {
				scan: { status: 'unavailable', reason: 'no scanner' },
			} ),
		] );
		const { container } = render(
			<ImagesScreen canScan seesDeleted navigate={ () => undefined } />
		);
		await waitFor( () => expect( rows( container ) ).toHaveLength( 2 ) );
		const [ first, second ] = rows( container );
		expect(
			first?.querySelector( '.k8or-orbit-verdict.is-blocked' )
				?.textContent
		).toBe( blocked.message );
		expect( second?.textContent ).toContain(
			'Not scanned: scanner unavailable'
		);
		expect( second?.textContent ).not.toMatch( /passed|0 critical/i );
	} );

	it( 'searches on the server', async () => {
		const queries = serveApps( [
			app( 1, 'hello-web' ),
			app( 2, 'billing-api' ),
		] );
		const user = userEvent.setup();
		const { container } = render(
			<ImagesScreen canScan seesDeleted navigate={ () => undefined } />
		);
		await waitFor( () => expect( rows( container ) ).toHaveLength( 2 ) );
		await user.type(
			within( container ).getByRole( 'searchbox', {
				name: 'Search apps',
			} ),
			'billing'
		);
		await waitFor( () => expect( rows( container ) ).toHaveLength( 1 ) );
		expect( rows( container )[ 0 ]?.textContent ).toContain(
			'billing-api'
		);
		expect( queries.at( -1 )?.get( 'search' ) ).toBe( 'billing' );
	} );

	it( 'opens the event log of an app from its actions', async () => {
		serveApps( [ app( 7, 'hello-web' ) ] );
		const navigate = vi.fn();
		const user = userEvent.setup();
		const { container } = render(
			<ImagesScreen canScan seesDeleted navigate={ navigate } />
		);
		await waitFor( () => expect( rows( container ) ).toHaveLength( 1 ) );
		await user.click(
			within( rows( container )[ 0 ]! ).getByRole( 'button', {
				name: 'Actions',
			} )
		);
		await user.click(
			await within( document.body ).findByRole( 'menuitem', {
				name: 'Event log',
			} )
		);
		expect( navigate ).toHaveBeenCalledWith( {
			screen: 'events',
			source: { appId: 7 },
		} );
	} );

	it( 'shows the current version and opens the versions of an app from its actions', async () => {
		serveApps( [
			app( 7, 'hello-web', {
				image: {
					repository: 'example.test/hello-web',
					tag: '1.0.1',
					version: '1.0.1',
				},
			} ),
		] );
		const navigate = vi.fn();
		const user = userEvent.setup();
		const { container } = render(
			<ImagesScreen canScan seesDeleted navigate={ navigate } />
		);
		await waitFor( () => expect( rows( container ) ).toHaveLength( 1 ) );
		const headers = [
			...container.querySelectorAll( '.dataviews-view-table thead th' ),
		].map( ( th ) => th.textContent?.trim() );
		const column = headers.findIndex( ( text ) => text === 'Version' );
		expect( column ).toBeGreaterThan( -1 );
		expect(
			rows( container )[ 0 ]!.querySelectorAll( 'td' )[ column ]
				?.textContent
		).toBe( '1.0.1' );
		await user.click(
			within( rows( container )[ 0 ]! ).getByRole( 'button', {
				name: 'Actions',
			} )
		);
		await user.click(
			await within( document.body ).findByRole( 'menuitem', {
				name: 'Versions',
			} )
		);
		expect( navigate ).toHaveBeenCalledWith( {
			screen: 'versions',
			appId: 7,
		} );
	} );
} );

describe( 'viewToQuery', () => {
	const base: View = {
		type: 'table',
		page: 2,
		perPage: 10,
		sort: { field: 'modified', direction: 'desc' },
		filters: [],
	};

	it( 'turns the filters into the REST arguments', () => {
		const query = viewToQuery(
			{
				...base,
				search: 'web',
				filters: [
					{ field: 'category', operator: 'is', value: 'web' },
					{ field: 'environment', operator: 'is', value: 'test' },
					{
						field: 'environmentStatus',
						operator: 'is',
						value: 'failed',
					},
					{ field: 'scan', operator: 'is', value: 'unavailable' },
				],
			},
			true
		);
		expect( query ).toEqual( {
			page: 2,
			per_page: 10,
			include_deleted: true,
			search: 'web',
			orderby: 'modified',
			order: 'desc',
			category: 'web',
			environment: 'test',
			environment_status: 'failed',
			scan_status: 'unavailable',
		} );
	} );

	it( 'asks for deleted apps only when filtered so, and never for users who may not see them', () => {
		const deletedOnly: View = {
			...base,
			filters: [ { field: 'deleted', operator: 'is', value: 'yes' } ],
		};
		expect( viewToQuery( deletedOnly, true ) ).toMatchObject( {
			include_deleted: true,
			deleted: true,
		} );
		expect(
			viewToQuery(
				{
					...base,
					filters: [
						{ field: 'deleted', operator: 'is', value: 'no' },
					],
				},
				true
			).include_deleted
		).toBe( false );
		expect( viewToQuery( deletedOnly, false ) ).toMatchObject( {
			include_deleted: false,
		} );
		expect( viewToQuery( deletedOnly, false ).deleted ).toBeUndefined();
	} );
} );
