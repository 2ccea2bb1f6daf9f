/**
 * WordPress dependencies
 */
import { ComboboxControl } from '@wordpress/components';
import { store as coreStore } from '@wordpress/core-data';
import { useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { AppPostRecord } from './types';

const CURRENT_APP = '0';

interface AppPickerProps {
	appId: number;
	onChange: ( appId: number ) => void;
}

/**
 * Chooses which app a block shows: the current one (the post the block is in) or a
 * named app, searched by title as the user types.
 *
 * @param props          Component props.
 * @param props.appId    Chosen post id, 0 for the current app.
 * @param props.onChange Called with the new post id.
 */
export function AppPicker( { appId, onChange }: AppPickerProps ) {
	const [ search, setSearch ] = useState( '' );
	const apps = useSelect(
		( select ) =>
			select( coreStore ).getEntityRecords( 'postType', 'orbit_app', {
				per_page: 20,
				search: search || undefined,
				_fields: 'id,title,slug',
				status: 'publish',
			} ) as AppPostRecord[] | null,
		[ search ]
	);
	const options = [
		{ value: CURRENT_APP, label: __( 'The current app', 'k8or-orbit' ) },
		...( apps ?? [] ).map( ( app ) => ( {
			value: String( app.id ),
			label: app.title.raw || app.title.rendered || app.slug,
		} ) ),
	];
	return (
		<ComboboxControl
			__next40pxDefaultSize
			__nextHasNoMarginBottom
			label={ __( 'App', 'k8or-orbit' ) }
			help={ __(
				'Shows the app of the page it is on unless you choose one.',
				'k8or-orbit'
			) }
			value={ String( appId ) }
			options={ options }
			onFilterValueChange={ setSearch }
			onChange={ ( value ) => onChange( value ? Number( value ) : 0 ) }
		/>
	);
}
