/*
 * The block editor package ships no type declarations; these cover the parts the
 * blocks use, with the signatures from its documentation.
 */
declare module '@wordpress/block-editor' {
	import type { ComponentType, HTMLAttributes, ReactNode } from 'react';

	export const InspectorControls: ComponentType< {
		group?: 'default' | 'settings' | 'styles' | 'advanced';
		children?: ReactNode;
	} >;

	export function useBlockProps(
		props?: HTMLAttributes< HTMLElement > & Record< string, unknown >
	): HTMLAttributes< HTMLElement > & Record< string, unknown >;
}
