/**
 * Answers the block editor's REST calls in tests: apiFetch hands every request to the
 * handler given here, which answers by route like WordPress would.
 */
import apiFetch, { type APIFetchOptions } from '@wordpress/api-fetch';

export type Route = ( url: URL, options: APIFetchOptions ) => unknown;

/**
 * Sends apiFetch's requests to the given routes (matched by path suffix); returns the
 * URLs requested.
 *
 * @param routes Answers keyed by the end of the REST route, e.g. "/wp/v2/types".
 */
export function answerRest( routes: Record< string, Route > ) {
	const requested: URL[] = [];
	apiFetch.setFetchHandler( async ( options ) => {
		const url = new URL(
			options.url ?? `http://localhost/wp-json${ options.path }`
		);
		requested.push( url );
		const route = decodeURIComponent( url.pathname ).replace(
			/^\/wp-json/,
			''
		);
		const match = Object.keys( routes ).find( ( key ) =>
			route.endsWith( key )
		);
		if ( ! match ) {
			throw {
				code: 'rest_no_route',
				message: `No route ${ route } in this test.`,
			};
		}
		const body = routes[ match ]!( url, options );
		// Callers that read headers (core-data does, for totals) ask for the raw response.
		return options.parse === false
			? new Response( JSON.stringify( body ), {
					headers: { 'Content-Type': 'application/json' },
				} )
			: body;
	} );
	return requested;
}
