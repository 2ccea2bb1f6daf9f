import { render, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { OrbitEvent } from '../src/api/types';
import { EVENTS_PER_PAGE, EventLogScreen } from '../src/screens/event-log';
import { rest, server } from './support/msw-server';

/** 30 events of one app, newest first, served a page at a time with an opaque cursor. */
function serveLog() {
	const events: OrbitEvent[] = Array.from( { length: 30 }, ( _, index ) => {
		const seq = 30 - index;
		const failed = seq === 30;
		return {
			jobId: seq > 15 ? 'job-b' : 'job-a',
			seq,
			name: failed ? 'upload-failed' : `step-${ seq }`,
			step: 'validate',
			outcome: failed ? 'failed' : 'succeeded',
			data: {},
			appName: 'hello-web',
			environment: 'dev',
			actor: { id: 2, login: seq % 2 ? 'operator' : 'admin' },
			time: new Date(
				Date.UTC( 2026, 10, 27, 20, 0, seq )
			).toISOString(),
			...( failed
				? {
						message:
							'The archive has no manifest.json. Export it with docker save.',
					}
				: {} ),
		};
	} );
	const requests: Array< { limit: string | null; cursor: string | null } > =
		[];
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps/41/events' ), ( { request } ) => {
			const url = new URL( request.url );
			const limit = Number( url.searchParams.get( 'limit' ) );
			const cursor = url.searchParams.get( 'cursor' );
			requests.push( { limit: url.searchParams.get( 'limit' ), cursor } );
			const start = cursor ? Number( atob( cursor ) ) : 0;
			const end = start + limit;
			return HttpResponse.json( {
				items: events.slice( start, end ),
				nextCursor: end < events.length ? btoa( String( end ) ) : null,
			} );
		} )
	);
	return { events, requests };
}

const rows = ( container: HTMLElement ) =>
	[ ...container.querySelectorAll( 'tbody tr' ) ] as HTMLElement[];

describe( 'Event log', () => {
	it( 'shows the newest events first with actor, and a failure with its message', async () => {
		const { events } = serveLog();
		const { container } = render(
			<EventLogScreen source={ { appId: 41 } } />
		);
		await within( container ).findByText( 'upload-failed' );
		expect( rows( container ) ).toHaveLength( EVENTS_PER_PAGE );
		const first = rows( container )[ 0 ]!;
		expect( first.className ).toBe( 'is-failed' );
		expect( first.textContent ).toContain(
			'The archive has no manifest.json. Export it with docker save.'
		);
		expect( first.textContent ).toContain( events[ 0 ]!.actor!.login );
		expect( rows( container )[ 1 ]?.textContent ).toContain( 'step-29' );
	} );

	it( 'pages to older events and back', async () => {
		const { requests } = serveLog();
		const user = userEvent.setup();
		const { container } = render(
			<EventLogScreen source={ { appId: 41 } } />
		);
		await within( container ).findByText( 'upload-failed' );
		expect(
			within( container )
				.getByRole( 'button', { name: 'Newer events' } )
				.getAttribute( 'aria-disabled' )
		).toBe( 'true' );
		await user.click(
			within( container ).getByRole( 'button', { name: 'Older events' } )
		);
		await within( container ).findByText( 'step-5' );
		expect( rows( container ) ).toHaveLength( 30 - EVENTS_PER_PAGE );
		expect( within( container ).getByText( 'Page 2' ) ).toBeTruthy();
		expect(
			within( container )
				.getByRole( 'button', { name: 'Older events' } )
				.getAttribute( 'aria-disabled' )
		).toBe( 'true' );
		await user.click(
			within( container ).getByRole( 'button', { name: 'Newer events' } )
		);
		await within( container ).findByText( 'upload-failed' );
		expect( requests.map( ( request ) => request.cursor ) ).toEqual( [
			null,
			btoa( String( EVENTS_PER_PAGE ) ),
			null,
		] );
		expect(
			requests.every(
				( request ) => request.limit === String( EVENTS_PER_PAGE )
			)
		).toBe( true );
	} );

	it( 'reads a job’s events from the job route', async () => {
		server.use(
			http.get( rest( '/k8or-orbit/v1/jobs/job-b/events' ), () =>
				HttpResponse.json( { items: [], nextCursor: null } )
			)
		);
		const { container } = render(
			<EventLogScreen source={ { jobId: 'job-b' } } />
		);
		expect(
			await within( container ).findByText( 'No events yet.' )
		).toBeTruthy();
		expect( within( container ).getByRole( 'heading' ).textContent ).toBe(
			'Event log of job job-b'
		);
	} );

	it( 'shows why the log could not be read', async () => {
		server.use(
			http.get( rest( '/k8or-orbit/v1/apps/41/events' ), () =>
				HttpResponse.json(
					{
						code: 'orbit_bridge_unreachable',
						message:
							'The bridge at http://127.0.0.1:8787 does not answer. Start it, then reload.',
					},
					{ status: 502 }
				)
			)
		);
		const { container } = render(
			<EventLogScreen source={ { appId: 41 } } />
		);
		expect(
			await within( container ).findByText(
				/does not answer\. Start it, then reload\./
			)
		).toBeTruthy();
	} );
} );
