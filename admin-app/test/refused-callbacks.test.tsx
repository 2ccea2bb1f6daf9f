import { render, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { DeadLetter } from '../src/api/types';
import { EventLogScreen } from '../src/screens/event-log';
import { rest, server } from './support/msw-server';

const LETTER_ID = '1764576000000-0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60-14';

function letter( overrides: Partial< DeadLetter > = {} ): DeadLetter {
	return {
		letterId: LETTER_ID,
		jobId: '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60',
		appName: 'hello-web',
		environment: 'dev',
		events: [
			{
				jobId: '0b6f3c1e-8d5a-4a53-9f0e-2b1c3d4e5f60',
				seq: 14,
				name: 'database-update-started',
				step: 'publish',
				outcome: 'started',
				appName: 'hello-web',
				environment: 'dev',
				actor: { id: 2, login: 'operator' },
				time: '2026-12-01T08:00:00.000Z',
				data: {},
			},
		],
		httpStatus: 409,
		answer: 'orbit_app_name_taken: The app page could not get the slug hello-web.',
		status: 'refused',
		refusals: 1,
		refusedAt: '2026-12-01T08:00:01.000Z',
		...overrides,
	};
}

/**
 * The refused callbacks as WordPress relays them; the first re-delivery is refused again, later
 * ones are accepted.
 */
function serve() {
	const deliveries: string[] = [];
	server.use(
		http.get( rest( '/k8or-orbit/v1/dead-letters' ), () =>
			HttpResponse.json( { items: [ letter() ] } )
		),
		http.post(
			rest( `/k8or-orbit/v1/dead-letters/${ LETTER_ID }/deliver` ),
			() => {
				deliveries.push( LETTER_ID );
				return deliveries.length === 1
					? HttpResponse.json(
							{
								code: 'orbit_callback_refused',
								message:
									'WordPress refused the events again (HTTP 409): orbit_app_name_taken',
							},
							{ status: 409 }
						)
					: HttpResponse.json( {
							letter: letter( { status: 'delivered' } ),
							applied: 1,
							duplicates: 0,
						} );
			}
		)
	);
	return deliveries;
}

describe( 'Refused callbacks', () => {
	it( 'lists what WordPress refused and why, and delivers it again on request', async () => {
		const deliveries = serve();
		const user = userEvent.setup();
		const { container } = render( <EventLogScreen source={ null } /> );
		const view = within( container );
		const row = ( await view.findByText( 'hello-web' ) ).closest( 'tr' )!;
		expect( row.textContent ).toContain( '14 database-update-started' );
		expect( row.textContent ).toContain(
			'HTTP 409: orbit_app_name_taken: The app page could not get the slug hello-web.'
		);

		await user.click(
			within( row ).getByRole( 'button', { name: 'Deliver again' } )
		);
		await view.findByText(
			'WordPress refused the events again (HTTP 409): orbit_app_name_taken'
		);
		// Still refused: the button stays for the next try.
		expect(
			within( row ).getByRole( 'button', { name: 'Deliver again' } )
		).toBeTruthy();

		await user.click(
			within( row ).getByRole( 'button', { name: 'Deliver again' } )
		);
		await view.findByText(
			'WordPress accepted the events: 1 applied, 0 already applied.'
		);
		expect( row.textContent ).toContain( 'Delivered' );
		expect( within( row ).queryByRole( 'button' ) ).toBeNull();
		expect( deliveries ).toHaveLength( 2 );
	} );

	it( 'says so when nothing was refused', async () => {
		server.use(
			http.get( rest( '/k8or-orbit/v1/dead-letters' ), () =>
				HttpResponse.json( { items: [] } )
			)
		);
		const { container } = render( <EventLogScreen source={ null } /> );
		await within( container ).findByText(
			'WordPress refused no callbacks.'
		);
	} );
} );
