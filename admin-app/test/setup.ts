/**
 * Set-up for the ui project (admin app and block editor components in jsdom).
 */
import { cleanup } from '@testing-library/react';
import apiFetch from '@wordpress/api-fetch';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { REST_ROOT, server } from './support/msw-server';

// jsdom's Blob has neither arrayBuffer() nor stream(); browsers do, the code uses the
// first and msw's XMLHttpRequest interception the second.
if ( ! Blob.prototype.arrayBuffer ) {
	Blob.prototype.arrayBuffer = function arrayBuffer( this: Blob ) {
		return new Promise< ArrayBuffer >( ( resolve, reject ) => {
			const reader = new FileReader();
			reader.onload = () => resolve( reader.result as ArrayBuffer );
			reader.onerror = () => reject( reader.error );
			reader.readAsArrayBuffer( this );
		} );
	};
}

if ( ! Blob.prototype.stream ) {
	Blob.prototype.stream = function stream( this: Blob ) {
		const blob = this;
		return new ReadableStream< Uint8Array< ArrayBuffer > >( {
			async start( controller ) {
				controller.enqueue(
					new Uint8Array( await blob.arrayBuffer() )
				);
				controller.close();
			},
		} );
	};
}

// Layout observers the components use; jsdom lays nothing out.
if ( ! ( 'ResizeObserver' in globalThis ) ) {
	globalThis.ResizeObserver = class {
		observe() {}
		unobserve() {}
		disconnect() {}
	};
}
if ( ! window.matchMedia ) {
	window.matchMedia = ( query: string ) =>
		( {
			matches: false,
			media: query,
			onchange: null,
			addListener() {},
			removeListener() {},
			addEventListener() {},
			removeEventListener() {},
			dispatchEvent: () => false,
		} ) as MediaQueryList;
}

if ( ! Element.prototype.scrollIntoView ) {
	Element.prototype.scrollIntoView = () => undefined;
}

// WordPress points apiFetch at the site's REST root; the tests' site is localhost.
apiFetch.use( apiFetch.createRootURLMiddleware( REST_ROOT ) );

beforeAll( () => server.listen( { onUnhandledRequest: 'error' } ) );
afterEach( () => {
	cleanup();
	server.resetHandlers();
	window.localStorage.clear();
	window.location.hash = '';
} );
afterAll( () => server.close() );
