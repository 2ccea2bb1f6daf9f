/**
 * WordPress dependencies
 */
import { InspectorControls, useBlockProps } from '@wordpress/block-editor';
import type { BlockEditProps } from '@wordpress/blocks';
import { PanelBody } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
// The default export: WordPress 6.8 exposes only that as wp.serverSideRender.
import ServerSideRender from '@wordpress/server-side-render';

/**
 * Internal dependencies
 */
import metadata from './block.json';
import { CatalogSettings } from './settings';
import type { CatalogAttributes } from './types';

/**
 * Editor view of k8or-orbit/catalog: settings in the sidebar, and the real server
 * render as the preview so what the editor sees is what visitors get.
 *
 * @param props               Block edit props.
 * @param props.attributes    Current attributes.
 * @param props.setAttributes Attribute setter.
 */
export default function Edit( {
	attributes,
	setAttributes,
}: BlockEditProps< CatalogAttributes > ) {
	const blockProps = useBlockProps();
	return (
		<div { ...blockProps }>
			<InspectorControls>
				<PanelBody title={ __( 'Catalog settings', 'k8or-orbit' ) }>
					<CatalogSettings
						attributes={ attributes }
						setAttributes={ setAttributes }
					/>
				</PanelBody>
			</InspectorControls>
			<ServerSideRender
				block={ metadata.name }
				attributes={ attributes }
				skipBlockSupportAttributes
			/>
		</div>
	);
}
