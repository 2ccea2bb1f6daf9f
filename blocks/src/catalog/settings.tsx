/**
 * WordPress dependencies
 */
import {
	RangeControl,
	SelectControl,
	ToggleControl,
} from '@wordpress/components';
import { store as coreStore } from '@wordpress/core-data';
import { useSelect } from '@wordpress/data';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	MAX_ITEMS_PER_PAGE,
	MIN_ITEMS_PER_PAGE,
	type CatalogAttributes,
	type CategoryTerm,
} from './types';

interface CatalogSettingsProps {
	attributes: CatalogAttributes;
	setAttributes: ( attributes: Partial< CatalogAttributes > ) => void;
}

/**
 * The catalog block's sidebar settings: layout, page size, a fixed category and the
 * scan badge.
 *
 * @param props               Component props.
 * @param props.attributes    Current attributes.
 * @param props.setAttributes Attribute setter of the block.
 */
export function CatalogSettings( {
	attributes,
	setAttributes,
}: CatalogSettingsProps ) {
	const categories = useSelect(
		( select ) =>
			select( coreStore ).getEntityRecords(
				'taxonomy',
				'orbit_category',
				{
					per_page: 100,
					_fields: 'id,name,slug',
				}
			) as CategoryTerm[] | null,
		[]
	);
	return (
		<>
			<SelectControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Layout', 'k8or-orbit' ) }
				value={ attributes.layout }
				options={ [
					{ value: 'grid', label: __( 'Grid', 'k8or-orbit' ) },
					{ value: 'list', label: __( 'List', 'k8or-orbit' ) },
				] }
				onChange={ ( layout ) =>
					setAttributes( {
						layout: layout === 'list' ? 'list' : 'grid',
					} )
				}
			/>
			<RangeControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Apps per page', 'k8or-orbit' ) }
				min={ MIN_ITEMS_PER_PAGE }
				max={ MAX_ITEMS_PER_PAGE }
				value={ attributes.itemsPerPage }
				onChange={ ( itemsPerPage ) =>
					setAttributes( {
						itemsPerPage: Math.min(
							MAX_ITEMS_PER_PAGE,
							Math.max( MIN_ITEMS_PER_PAGE, itemsPerPage ?? 12 )
						),
					} )
				}
			/>
			<SelectControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Category', 'k8or-orbit' ) }
				help={ __(
					'With a category chosen, visitors see only its apps and no category filter.',
					'k8or-orbit'
				) }
				value={ attributes.category }
				options={ [
					{
						value: '',
						label: __( 'Any (visitors choose)', 'k8or-orbit' ),
					},
					...( categories ?? [] ).map( ( term ) => ( {
						value: term.slug,
						label: term.name,
					} ) ),
				] }
				onChange={ ( category ) => setAttributes( { category } ) }
			/>
			<ToggleControl
				__nextHasNoMarginBottom
				label={ __( 'Show the scan badge', 'k8or-orbit' ) }
				checked={ attributes.showScanBadge }
				onChange={ ( showScanBadge ) =>
					setAttributes( { showScanBadge } )
				}
			/>
		</>
	);
}
