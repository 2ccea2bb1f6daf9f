/**
 * WordPress dependencies
 */
import domReady from '@wordpress/dom-ready';
import { createRoot } from '@wordpress/element';

/**
 * Internal dependencies
 */
import { App } from './app';
import type { BootData } from './api/types';
import './console.scss';

declare global {
	interface Window {
		k8orOrbitAdmin?: BootData;
	}
}

domReady( () => {
	const container = document.getElementById( 'k8or-orbit-admin-app' );
	const boot = window.k8orOrbitAdmin;
	if ( container && boot ) {
		createRoot( container ).render( <App boot={ boot } /> );
	}
} );
