/**
 * WordPress dependencies
 */
import {
	registerBlockType,
	type BlockConfiguration,
	type BlockEditProps,
} from '@wordpress/blocks';
import type { ComponentType } from 'react';

/**
 * Registers a dynamic block from its block.json (the single source of its metadata).
 * The server renders it (render.php), so the editor saves only the block comment.
 *
 * @param metadata      The block's block.json.
 * @param metadata.name The block name.
 * @param edit          Its editor component.
 */
export function registerDynamicBlock<
	Attributes extends Record< string, unknown >,
>(
	metadata: { name: string },
	edit: ComponentType< BlockEditProps< Attributes > >
) {
	// block.json is read as plain JSON, so its literal types (category, attribute
	// types) are widened to string; WordPress validates the real values at runtime.
	return registerBlockType< Attributes >(
		metadata as unknown as BlockConfiguration< Attributes >,
		{ edit, save: () => null }
	);
}
