import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { answerRest } from '../../../test/rest';
import { registerDynamicBlock } from '../../shared/register';
import metadata from '../block.json';
import Edit from '../edit';
import { CatalogSettings } from '../settings';
import type { CatalogAttributes } from '../types';

const DEFAULTS: CatalogAttributes = {
	layout: 'grid',
	itemsPerPage: 12,
	category: '',
	showScanBadge: true,
};

beforeAll( () => {
	registerDynamicBlock< CatalogAttributes >( metadata, Edit );
} );

describe( 'k8or-orbit/catalog in the editor', () => {
	it( 'previews the real server render with the block’s attributes', async () => {
		const requested = answerRest( {
			'/wp/v2/block-renderer/k8or-orbit/catalog': () => ( {
				rendered:
					'<div class="wp-block-k8or-orbit-catalog is-layout-list"><ul><li><a href="/apps/hello-web/">Hello Web</a></li></ul></div>',
			} ),
		} );
		const { container } = render(
			<Edit
				clientId="catalog-1"
				attributes={ { ...DEFAULTS, layout: 'list', itemsPerPage: 5 } }
				setAttributes={ () => undefined }
				isSelected={ false }
				context={ {} }
				className=""
			/>
		);
		expect(
			await within( container ).findByRole( 'link', {
				name: 'Hello Web',
			} )
		).toBeTruthy();
		const preview = requested.find( ( url ) =>
			url.pathname.includes( 'block-renderer' )
		)!;
		expect( preview.searchParams.get( 'attributes[layout]' ) ).toBe(
			'list'
		);
		expect( preview.searchParams.get( 'attributes[itemsPerPage]' ) ).toBe(
			'5'
		);
		expect( preview.searchParams.get( 'context' ) ).toBe( 'edit' );
	} );

	it( 'sets layout, page size, a fixed category and the badge from the sidebar', async () => {
		answerRest( {
			'/wp/v2/taxonomies': () => ( {
				orbit_category: {
					name: 'App categories',
					slug: 'orbit_category',
					rest_base: 'orbit_category',
					rest_namespace: 'wp/v2',
					types: [ 'orbit_app' ],
				},
			} ),
			'/wp/v2/orbit_category': () => [
				{ id: 3, name: 'Web', slug: 'web' },
				{ id: 4, name: 'Data', slug: 'data' },
			],
		} );
		const setAttributes = vi.fn();
		const user = userEvent.setup();
		render(
			<CatalogSettings
				attributes={ DEFAULTS }
				setAttributes={ setAttributes }
			/>
		);

		await user.selectOptions( screen.getByLabelText( 'Layout' ), 'list' );
		expect( setAttributes ).toHaveBeenLastCalledWith( { layout: 'list' } );

		await waitFor( () =>
			expect(
				screen.getByRole( 'option', { name: 'Data' } )
			).toBeTruthy()
		);
		await user.selectOptions( screen.getByLabelText( 'Category' ), 'data' );
		expect( setAttributes ).toHaveBeenLastCalledWith( {
			category: 'data',
		} );

		await user.click( screen.getByLabelText( 'Show the scan badge' ) );
		expect( setAttributes ).toHaveBeenLastCalledWith( {
			showScanBadge: false,
		} );

		const perPage = screen.getByRole( 'spinbutton', {
			name: 'Apps per page',
		} );
		await user.clear( perPage );
		await user.type( perPage, '80' );
		// The server accepts at most 50; the control never asks for more.
		expect( setAttributes ).toHaveBeenLastCalledWith( {
			itemsPerPage: 50,
		} );
	} );

	it( 'declares what the server render reads, in block.json', () => {
		expect( metadata ).toMatchObject( {
			apiVersion: 3,
			textdomain: 'k8or-orbit',
			render: 'file:./render.php',
			attributes: {
				layout: {
					type: 'string',
					enum: [ 'grid', 'list' ],
					default: 'grid',
				},
				itemsPerPage: { type: 'integer', default: 12 },
				category: { type: 'string', default: '' },
				showScanBadge: { type: 'boolean', default: true },
			},
		} );
	} );
} );
