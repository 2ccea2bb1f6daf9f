/**
 * WordPress dependencies
 */
import domReady from '@wordpress/dom-ready';
import { createRoot } from '@wordpress/element';

/**
 * Internal dependencies
 */
import { App } from './app';
import './style.scss';

domReady( () => {
	const container = document.getElementById( 'k8or-orbit-admin-app' );
	if ( container ) {
		createRoot( container ).render( <App /> );
	}
} );
