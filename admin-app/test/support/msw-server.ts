/**
 * The one msw server of a test file: the setup file starts and resets it, tests add
 * the handlers they need with server.use().
 */
import { setupServer } from 'msw/node';

export const server = setupServer();

/** The REST root the tests' apiFetch sends to (WordPress sets it from the page). */
export const REST_ROOT = 'http://localhost/wp-json/';

/**
 * Full URL of a REST route, as msw sees it.
 *
 * @param route Route such as /k8or-orbit/v1/apps.
 */
export const rest = ( route: string ) =>
	`${ REST_ROOT }${ route.replace( /^\//, '' ) }`;
