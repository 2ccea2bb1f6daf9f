/**
 * WordPress dependencies
 */
import { InspectorControls, useBlockProps } from '@wordpress/block-editor';
import { PanelBody } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { AppBlockEditProps } from '../shared/app-block-edit';
import { AppPicker } from '../shared/app-picker';

/**
 * Editor view of k8or-orbit/deploy. The buttons depend on who reads the page, so the editor
 * shows what the block does instead of the author's own buttons.
 *
 * @param props               Block edit props.
 * @param props.attributes    Current attributes.
 * @param props.setAttributes Attribute setter.
 */
export default function Edit( {
	attributes,
	setAttributes,
}: AppBlockEditProps ) {
	return (
		<div { ...useBlockProps() }>
			<InspectorControls>
				<PanelBody title={ __( 'App', 'k8or-orbit' ) }>
					<AppPicker
						appId={ attributes.appId }
						onChange={ ( appId ) => setAttributes( { appId } ) }
					/>
				</PanelBody>
			</InspectorControls>
			<p className="wp-block-k8or-orbit-deploy__placeholder">
				{ attributes.appId
					? __(
							'Deploy buttons for the chosen app: one per environment the reader may deploy to. Readers who may not deploy see nothing.',
							'k8or-orbit'
						)
					: __(
							'Deploy buttons for the app of this page (or choose an app in the sidebar): one per environment the reader may deploy to. Readers who may not deploy see nothing.',
							'k8or-orbit'
						) }
			</p>
		</div>
	);
}
