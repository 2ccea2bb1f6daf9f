/**
 * WordPress dependencies
 */
import { Button, Spinner } from '@wordpress/components';
import { Suspense, useCallback, useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { BootData } from './api/types';
import { formatRoute, parseRoute, type Route } from './routes';
import {
	AppScreen,
	EventLogScreen,
	ImagesScreen,
	ScanReportScreen,
	UploadScreen,
	VersionsScreen,
} from './screens';

/**
 * The operator console: the screens the user's capabilities allow, chosen by URL hash.
 * The routes check the capabilities again; hiding is for clarity, not protection.
 *
 * @param props      Component props.
 * @param props.boot What the console page hands the script.
 */
export function App( { boot }: { boot: BootData } ) {
	const [ route, setRoute ] = useState< Route >( () =>
		parseRoute( window.location.hash )
	);

	useEffect( () => {
		const onHashChange = () =>
			setRoute( parseRoute( window.location.hash ) );
		window.addEventListener( 'hashchange', onHashChange );
		return () => window.removeEventListener( 'hashchange', onHashChange );
	}, [] );

	const navigate = useCallback( ( next: Route ) => {
		window.location.hash = formatRoute( next );
		setRoute( next );
	}, [] );

	const can = ( capability: string ) =>
		boot.capabilities[ capability ] === true;
	const tabs: Array< { route: Route; label: string; allowed: boolean } > = [
		{
			route: { screen: 'upload' },
			label: __( 'Upload', 'k8or-orbit' ),
			allowed: can( 'orbit_upload' ),
		},
		{
			route: { screen: 'images' },
			label: __( 'Images', 'k8or-orbit' ),
			allowed: true,
		},
		{
			route: { screen: 'scan', appId: null },
			label: __( 'Scan report', 'k8or-orbit' ),
			allowed: can( 'orbit_read_jobs' ),
		},
		{
			route: { screen: 'events', source: null },
			label: __( 'Event log', 'k8or-orbit' ),
			allowed: can( 'orbit_read_jobs' ),
		},
	];
	const allowed = tabs.filter( ( tab ) => tab.allowed );
	// An app's own screen is reached from the Images table, not from a tab.
	if ( route.screen === 'app' ) {
		allowed.push( {
			route,
			label: __( 'App', 'k8or-orbit' ),
			allowed: true,
		} );
	}
	// A screen the user may not use (an old link, a bookmark) falls back to Images;
	// an app's versions are opened from Images, for whoever may see the app.
	const shown: Route =
		route.screen === 'versions' ||
		allowed.some( ( tab ) => tab.route.screen === route.screen )
			? route
			: { screen: 'images' };

	return (
		<div className="k8or-orbit-console">
			<nav
				className="k8or-orbit-console__nav"
				aria-label={ __( 'Orbit console', 'k8or-orbit' ) }
			>
				{ allowed.map( ( tab ) => (
					<Button
						key={ tab.route.screen }
						variant={
							tab.route.screen === shown.screen
								? 'primary'
								: 'tertiary'
						}
						aria-current={
							tab.route.screen === shown.screen
								? 'page'
								: undefined
						}
						onClick={ () => navigate( tab.route ) }
					>
						{ tab.label }
					</Button>
				) ) }
			</nav>
			<main className="k8or-orbit-console__screen">
				<Suspense fallback={ <Spinner /> }>
					{ shown.screen === 'upload' && (
						<UploadScreen environments={ boot.environments } />
					) }
					{ shown.screen === 'images' && (
						<ImagesScreen
							canDeploy={ boot.environments.some(
								( environment ) =>
									can( `orbit_deploy_${ environment }` )
							) }
							canScan={ can( 'orbit_scan' ) }
							seesDeleted={ can( 'orbit_read_jobs' ) }
							navigate={ navigate }
						/>
					) }
					{ shown.screen === 'app' && (
						<AppScreen
							appId={ shown.appId }
							deploy={ shown.deploy === true }
							readsJobs={ can( 'orbit_read_jobs' ) }
							navigate={ navigate }
						/>
					) }
					{ shown.screen === 'versions' && (
						<VersionsScreen
							appId={ shown.appId }
							navigate={ navigate }
						/>
					) }
					{ shown.screen === 'scan' && (
						<ScanReportScreen
							appId={ shown.appId }
							canScan={ can( 'orbit_scan' ) }
							navigate={ navigate }
						/>
					) }
					{ shown.screen === 'events' && (
						<EventLogScreen source={ shown.source } />
					) }
				</Suspense>
			</main>
		</div>
	);
}
