/**
 * Screens of the console, kept in the URL hash so reloads and the back button work:
 * #upload, #images, #versions/12, #app/12 (its environments, deploys and manifests; #app/12/deploy
 * opens the deploy form), #scan/12, #events/app/12, #events/job/<jobId>.
 */

export type Route =
	| { screen: 'upload' }
	| { screen: 'images' }
	| { screen: 'app'; appId: number; deploy?: boolean }
	| { screen: 'versions'; appId: number | null }
	| { screen: 'scan'; appId: number | null }
	| {
			screen: 'events';
			source: { appId: number } | { jobId: string } | null;
	  };

export function parseRoute( hash: string ): Route {
	const parts = hash.replace( /^#/, '' ).split( '/' );
	switch ( parts[ 0 ] ) {
		case 'upload':
			return { screen: 'upload' };
		case 'app': {
			const appId = Number( parts[ 1 ] );
			if ( Number.isInteger( appId ) && appId > 0 ) {
				return parts[ 2 ] === 'deploy'
					? { screen: 'app', appId, deploy: true }
					: { screen: 'app', appId };
			}
			return { screen: 'images' };
		}
		case 'scan':
		case 'versions': {
			const appId = Number( parts[ 1 ] );
			return {
				screen: parts[ 0 ] as 'scan' | 'versions',
				appId: Number.isInteger( appId ) && appId > 0 ? appId : null,
			};
		}
		case 'events': {
			const [ , kind, id ] = parts;
			if ( kind === 'app' && Number( id ) > 0 ) {
				return { screen: 'events', source: { appId: Number( id ) } };
			}
			if ( kind === 'job' && id && /^[A-Za-z0-9_-]{1,128}$/.test( id ) ) {
				return { screen: 'events', source: { jobId: id } };
			}
			return { screen: 'events', source: null };
		}
		default:
			return { screen: 'images' };
	}
}

export function formatRoute( route: Route ): string {
	switch ( route.screen ) {
		case 'app':
			return `#app/${ route.appId }${ route.deploy ? '/deploy' : '' }`;
		case 'scan':
		case 'versions':
			return route.appId
				? `#${ route.screen }/${ route.appId }`
				: `#${ route.screen }`;
		case 'events':
			if ( ! route.source ) {
				return '#events';
			}
			return 'appId' in route.source
				? `#events/app/${ route.source.appId }`
				: `#events/job/${ route.source.jobId }`;
		default:
			return `#${ route.screen }`;
	}
}
