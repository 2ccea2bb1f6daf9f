/**
 * WordPress dependencies
 */
import { Button, Notice, Spinner } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, getApp, listVersions } from '../api/rest';
import type { AppVersion, OrbitApp, ScanStatus } from '../api/types';
import { formatBytes, formatTime } from '../components/format';
import type { Route } from '../routes';

/** A version's scan state; verdicts are decided for the current image only (the app's `verdicts`). */
const SCAN_STATES: Record< ScanStatus, string > = {
	none: __( 'Not scanned', 'k8or-orbit' ),
	scanned: __( 'Scanned', 'k8or-orbit' ),
	unavailable: __( 'Not scanned: scanner unavailable', 'k8or-orbit' ),
};

/** A digest short enough for a table cell; the full one is in the title. */
function Digest( { value }: { value?: string } ) {
	if ( ! value ) {
		return <>—</>;
	}
	return (
		<code title={ value }>
			{ value.replace( /^(sha256:.{12}).*$/, '$1…' ) }
		</code>
	);
}

interface VersionsScreenProps {
	appId: number | null;
	navigate: ( route: Route ) => void;
}

/**
 * The versions of one app, newest (the current image) first: label, digests, size, who
 * uploaded it and when, and the scan verdict.
 *
 * @param props          Component props.
 * @param props.appId    The app.
 * @param props.navigate Moves to another screen.
 */
export function VersionsScreen( { appId, navigate }: VersionsScreenProps ) {
	const [ app, setApp ] = useState< OrbitApp | null >( null );
	const [ versions, setVersions ] = useState< AppVersion[] | null >( null );
	const [ error, setError ] = useState< string | null >( null );

	useEffect( () => {
		if ( ! appId ) {
			return;
		}
		let current = true;
		Promise.all( [ getApp( appId ), listVersions( appId ) ] )
			.then( ( [ loadedApp, loadedVersions ] ) => {
				if ( current ) {
					setApp( loadedApp );
					setVersions( loadedVersions );
				}
			} )
			.catch(
				( failure ) => current && setError( errorMessage( failure ) )
			);
		return () => {
			current = false;
		};
	}, [ appId ] );

	const back = (
		<Button
			variant="link"
			onClick={ () => navigate( { screen: 'images' } ) }
		>
			{ __( 'Back to the images', 'k8or-orbit' ) }
		</Button>
	);
	if ( ! appId ) {
		return (
			<p>
				{ __( 'Choose an app in the images list.', 'k8or-orbit' ) }{ ' ' }
				{ back }
			</p>
		);
	}
	if ( error ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ error }
			</Notice>
		);
	}
	if ( ! versions || ! app ) {
		return <Spinner />;
	}
	return (
		<div className="k8or-orbit-versions">
			<h2>
				{ sprintf(
					/* translators: %s: app title. */
					__( 'Versions of %s', 'k8or-orbit' ),
					app.title || app.name
				) }
			</h2>
			{ back }
			{ versions.length === 0 ? (
				<p>
					{ __(
						'This app has no versions yet: its image was uploaded before apps had versions.',
						'k8or-orbit'
					) }
				</p>
			) : (
				<table className="widefat striped">
					<thead>
						<tr>
							<th scope="col">
								{ __( 'Version', 'k8or-orbit' ) }
							</th>
							<th scope="col">
								{ __( 'Config digest', 'k8or-orbit' ) }
							</th>
							<th scope="col">
								{ __( 'Archive SHA-256', 'k8or-orbit' ) }
							</th>
							<th scope="col">{ __( 'Size', 'k8or-orbit' ) }</th>
							<th scope="col">
								{ __( 'Uploaded by', 'k8or-orbit' ) }
							</th>
							<th scope="col">
								{ __( 'Uploaded at', 'k8or-orbit' ) }
							</th>
							<th scope="col">{ __( 'Scan', 'k8or-orbit' ) }</th>
						</tr>
					</thead>
					<tbody>
						{ versions.map( ( version, index ) => (
							<tr key={ version.label }>
								<td>
									{ version.label }
									{ index === 0 &&
										` ${ __( '(current)', 'k8or-orbit' ) }` }
								</td>
								<td>
									<Digest value={ version.configDigest } />
								</td>
								<td>
									<Digest value={ version.archiveDigest } />
								</td>
								<td>
									{ version.size === undefined
										? '—'
										: formatBytes( version.size ) }
								</td>
								<td>{ version.uploadedBy?.login ?? '—' }</td>
								<td>{ formatTime( version.uploadedAt ) }</td>
								<td>
									{ SCAN_STATES[
										version.scan?.status ?? 'none'
									] ?? version.scan?.status }
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			) }
		</div>
	);
}
