import { render, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { App } from '../src/app';
import type { BootData } from '../src/api/types';
import { rest, server } from './support/msw-server';

const OPERATOR: BootData = {
	user: { id: 2, login: 'operator' },
	capabilities: {
		orbit_read_jobs: true,
		orbit_upload: true,
		orbit_scan: true,
		orbit_deploy_dev: true,
		orbit_deploy_prod: false,
		orbit_manage_settings: false,
	},
	environments: [ 'dev', 'test', 'prod' ],
};

/** A user with none of the Orbit capabilities, as editors are. */
const WITHOUT_ORBIT: BootData = {
	user: { id: 3, login: 'editor' },
	capabilities: { orbit_read_jobs: false, orbit_upload: false },
	environments: [ 'dev' ],
};

function serveLists() {
	const queries: URLSearchParams[] = [];
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps' ), ( { request } ) => {
			queries.push( new URL( request.url ).searchParams );
			return HttpResponse.json( [], {
				headers: { 'X-WP-Total': '0', 'X-WP-TotalPages': '0' },
			} );
		} ),
		http.get( rest( '/k8or-orbit/v1/environments' ), () =>
			HttpResponse.json( [] )
		),
		http.get( rest( '/wp/v2/orbit_category' ), () =>
			HttpResponse.json( [] )
		)
	);
	return queries;
}

/** Screens are chunks loaded when first shown; the first import of one is compiled on the spot. */
const SCREEN_LOAD = { timeout: 15000 };

const tabs = () =>
	within( screen.getByRole( 'navigation', { name: 'Orbit console' } ) )
		.getAllByRole( 'button' )
		.map( ( button ) => button.textContent );

describe( 'Console screens per role', () => {
	it( 'an operator sees Upload, Images, Scan report and Event log', async () => {
		serveLists();
		window.location.hash = '#upload';
		render( <App boot={ OPERATOR } /> );
		expect( tabs() ).toEqual( [
			'Upload',
			'Images',
			'Scan report',
			'Event log',
		] );
		expect(
			await screen.findByRole(
				'heading',
				{ name: 'Upload an image' },
				SCREEN_LOAD
			)
		).toBeTruthy();
	} );

	it( 'a user without Orbit capabilities gets no Upload, and a link to it shows Images instead', async () => {
		const queries = serveLists();
		window.location.hash = '#upload';
		render( <App boot={ WITHOUT_ORBIT } /> );
		expect( tabs() ).toEqual( [ 'Images' ] );
		expect(
			screen.queryByRole( 'heading', { name: 'Upload an image' } )
		).toBeNull();
		expect(
			await screen.findByRole(
				'heading',
				{ name: 'Images' },
				SCREEN_LOAD
			)
		).toBeTruthy();
		// Nor does it ask for deleted apps, which only job readers may list.
		await waitFor( () => expect( queries ).toHaveLength( 1 ) );
		expect( queries[ 0 ]?.get( 'include_deleted' ) ).toBe( 'false' );
	} );
} );
