import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { answerRest } from '../../../test/rest';
import environmentStatus from '../../environment-status/block.json';
import EnvironmentStatusEdit from '../../environment-status/edit';
import scanSummary from '../../scan-summary/block.json';
import ScanSummaryEdit from '../../scan-summary/edit';
import { AppPicker } from '../../shared/app-picker';
import { registerDynamicBlock } from '../../shared/register';
import type { AppBlockAttributes } from '../../shared/types';
import metadata from '../block.json';
import Edit from '../edit';

beforeAll( () => {
	registerDynamicBlock< AppBlockAttributes >( metadata, Edit );
	registerDynamicBlock< AppBlockAttributes >( scanSummary, ScanSummaryEdit );
	registerDynamicBlock< AppBlockAttributes >(
		environmentStatus,
		EnvironmentStatusEdit
	);
} );

const editProps = ( name: string, appId: number, postId?: number ) => ( {
	clientId: `${ name }-1`,
	attributes: { appId },
	setAttributes: () => undefined,
	isSelected: false,
	context: postId ? { postId, postType: 'orbit_app' } : {},
	className: '',
} );

describe( 'single-app blocks in the editor', () => {
	it.each( [
		[ metadata.name, Edit ],
		[ scanSummary.name, ScanSummaryEdit ],
		[ environmentStatus.name, EnvironmentStatusEdit ],
	] )(
		'%s previews the app of the page it is on',
		async ( name, Component ) => {
			const requested = answerRest( {
				[ `/wp/v2/block-renderer/${ name }` ]: ( url ) => ( {
					rendered: `<section><p>post ${ url.searchParams.get( 'post_id' ) }</p></section>`,
				} ),
			} );
			const { container } = render(
				<Component { ...editProps( name, 0, 41 ) } />
			);
			expect(
				await within( container ).findByText( 'post 41' )
			).toBeTruthy();
			expect(
				requested[ 0 ]?.searchParams.get( 'attributes[appId]' )
			).toBe( '0' );
		}
	);

	it( 'previews a chosen app and says what to do when the server renders nothing', async () => {
		const requested = answerRest( {
			'/wp/v2/block-renderer/k8or-orbit/app-details': () => ( {
				rendered: '',
			} ),
		} );
		const { container } = render(
			<Edit { ...editProps( metadata.name, 7 ) } />
		);
		expect(
			await within( container ).findByText(
				/Choose an app, or place this block on an app page/
			)
		).toBeTruthy();
		expect( requested[ 0 ]?.searchParams.get( 'attributes[appId]' ) ).toBe(
			'7'
		);
	} );

	it( 'lets the editor pick an app by title', async () => {
		const searches: Array< string | null > = [];
		answerRest( {
			'/wp/v2/types': () => ( {
				orbit_app: {
					name: 'Apps',
					slug: 'orbit_app',
					rest_base: 'orbit_app',
					rest_namespace: 'wp/v2',
				},
			} ),
			'/wp/v2/orbit_app': ( url ) => {
				searches.push( url.searchParams.get( 'search' ) );
				return [
					{
						id: 7,
						slug: 'hello-web',
						title: { rendered: 'Hello Web', raw: 'Hello Web' },
					},
					{
						id: 9,
						slug: 'billing-api',
						title: { rendered: 'Billing API', raw: 'Billing API' },
					},
				].filter(
					( app ) =>
						! url.searchParams.get( 'search' ) ||
						app.title.raw
							.toLowerCase()
							.includes(
								url.searchParams.get( 'search' )!.toLowerCase()
							)
				);
			},
		} );
		const onChange = vi.fn();
		const user = userEvent.setup();
		render( <AppPicker appId={ 0 } onChange={ onChange } /> );
		const input = screen.getByRole( 'combobox', { name: 'App' } );
		await user.type( input, 'bill' );
		await waitFor( () => expect( searches ).toContain( 'bill' ) );
		await user.click(
			await screen.findByRole( 'option', { name: 'Billing API' } )
		);
		expect( onChange ).toHaveBeenLastCalledWith( 9 );
	} );
} );
