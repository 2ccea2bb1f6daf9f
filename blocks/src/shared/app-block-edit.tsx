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
import { AppPicker } from './app-picker';
import type { AppBlockAttributes, AppBlockContext } from './types';

export type AppBlockEditProps = BlockEditProps< AppBlockAttributes > & {
	context?: AppBlockContext;
};

/**
 * Editor view shared by the blocks that show one app: an app picker in the sidebar and
 * a preview of the real server render.
 *
 * @param props               Block edit props.
 * @param props.blockName     The block whose server render is previewed.
 * @param props.attributes    Current attributes.
 * @param props.setAttributes Attribute setter.
 * @param props.context       Block context (the post the block is in).
 */
export function AppBlockEdit( {
	blockName,
	attributes,
	setAttributes,
	context,
}: AppBlockEditProps & { blockName: string } ) {
	const blockProps = useBlockProps();
	const postId = context?.postId;
	return (
		<div { ...blockProps }>
			<InspectorControls>
				<PanelBody title={ __( 'App', 'k8or-orbit' ) }>
					<AppPicker
						appId={ attributes.appId }
						onChange={ ( appId ) => setAttributes( { appId } ) }
					/>
				</PanelBody>
			</InspectorControls>
			<ServerSideRender
				block={ blockName }
				attributes={ attributes }
				skipBlockSupportAttributes
				urlQueryArgs={ postId ? { post_id: postId } : {} }
				EmptyResponsePlaceholder={ () => (
					<p>
						{ __(
							'Choose an app, or place this block on an app page.',
							'k8or-orbit'
						) }
					</p>
				) }
			/>
		</div>
	);
}
