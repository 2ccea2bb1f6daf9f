/**
 * WordPress dependencies
 */
import { Button, Notice, Spinner } from '@wordpress/components';
import {
	DataViews,
	filterSortAndPaginate,
	type Field,
	type View,
} from '@wordpress/dataviews';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	errorMessage,
	getApp,
	getScanReport,
	listEnvironments,
	scanApp,
} from '../api/rest';
import {
	SEVERITIES,
	type Environment,
	type Finding,
	type OrbitApp,
	type ScanReport,
	type Severity,
} from '../api/types';
import { formatTime } from '../components/format';
import { Verdicts } from '../components/verdicts';
import type { Route } from '../routes';
import './data-views.scss';

const SEVERITY_LABELS: Record< Severity, string > = {
	CRITICAL: __( 'Critical', 'k8or-orbit' ),
	HIGH: __( 'High', 'k8or-orbit' ),
	MEDIUM: __( 'Medium', 'k8or-orbit' ),
	LOW: __( 'Low', 'k8or-orbit' ),
	UNKNOWN: __( 'Unknown', 'k8or-orbit' ),
};

const SEVERITY_COLOURS: Record< Severity, string > = {
	CRITICAL: '#8a0000',
	HIGH: '#d63638',
	MEDIUM: '#b26200',
	LOW: '#2271b1',
	UNKNOWN: '#646970',
};

interface FindingRow extends Finding {
	key: string;
}

/**
 * Severity counts as a horizontal bar chart; the numbers are in the text too, so the
 * chart is an addition, not the only way to read them.
 *
 * @param props        Component props.
 * @param props.counts Findings per severity.
 */
export function SeverityChart( {
	counts,
}: {
	counts: Record< Severity, number >;
} ) {
	const largest = Math.max(
		1,
		...SEVERITIES.map( ( severity ) => counts[ severity ] )
	);
	const rowHeight = 28;
	return (
		<svg
			className="k8or-orbit-severity-chart"
			role="img"
			aria-labelledby="k8or-orbit-severity-chart-title"
			viewBox={ `0 0 400 ${ SEVERITIES.length * rowHeight }` }
			width="400"
			height={ SEVERITIES.length * rowHeight }
		>
			<title id="k8or-orbit-severity-chart-title">
				{ SEVERITIES.map(
					( severity ) =>
						`${ SEVERITY_LABELS[ severity ] }: ${ counts[ severity ] }`
				).join( ', ' ) }
			</title>
			{ SEVERITIES.map( ( severity, index ) => (
				<g
					key={ severity }
					transform={ `translate(0 ${ index * rowHeight })` }
					data-severity={ severity.toLowerCase() }
				>
					<text x="0" y="18" fontSize="13">
						{ SEVERITY_LABELS[ severity ] }
					</text>
					<rect
						x="80"
						y="5"
						height="16"
						width={ Math.round(
							( counts[ severity ] / largest ) * 260
						) }
						fill={ SEVERITY_COLOURS[ severity ] }
					/>
					<text
						x={
							86 +
							Math.round( ( counts[ severity ] / largest ) * 260 )
						}
						y="18"
						fontSize="13"
					>
						{ counts[ severity ] }
					</text>
				</g>
			) ) }
		</svg>
	);
}

const FINDING_FIELDS: Field< FindingRow >[] = [
	{
		id: 'id',
		label: __( 'Vulnerability', 'k8or-orbit' ),
		enableGlobalSearch: true,
		enableHiding: false,
	},
	{
		id: 'package',
		label: __( 'Package', 'k8or-orbit' ),
		enableGlobalSearch: true,
	},
	{
		id: 'installed',
		label: __( 'Installed', 'k8or-orbit' ),
		enableSorting: false,
	},
	{
		id: 'fixedIn',
		label: __( 'Fixed in', 'k8or-orbit' ),
		enableSorting: false,
	},
	{
		id: 'fixable',
		label: __( 'Fix available', 'k8or-orbit' ),
		enableSorting: false,
		enableHiding: false,
		elements: [
			{ value: 'yes', label: __( 'Fix available', 'k8or-orbit' ) },
			{ value: 'no', label: __( 'No fix yet', 'k8or-orbit' ) },
		],
		filterBy: { operators: [ 'is' ] },
		getValue: ( { item } ) => ( item.fixedIn ? 'yes' : 'no' ),
	},
	{
		id: 'severity',
		label: __( 'Severity', 'k8or-orbit' ),
		elements: SEVERITIES.map( ( severity ) => ( {
			value: severity,
			label: SEVERITY_LABELS[ severity ],
		} ) ),
		filterBy: { operators: [ 'isAny' ] },
		sort: ( a: Severity, b: Severity, direction ) =>
			( SEVERITIES.indexOf( a ) - SEVERITIES.indexOf( b ) ) *
			( direction === 'asc' ? 1 : -1 ),
	},
	{
		id: 'title',
		label: __( 'Title', 'k8or-orbit' ),
		enableSorting: false,
		enableGlobalSearch: true,
	},
	{ id: 'target', label: __( 'Target', 'k8or-orbit' ), enableSorting: false },
];

const DEFAULT_VIEW: View = {
	type: 'table',
	search: '',
	page: 1,
	perPage: 25,
	sort: { field: 'severity', direction: 'asc' },
	filters: [],
	titleField: 'id',
	fields: [ 'package', 'installed', 'fixedIn', 'severity', 'title' ],
};

interface ScanReportScreenProps {
	appId: number | null;
	canScan: boolean;
	navigate: ( route: Route ) => void;
}

/**
 * An app's scan: severity chart, the findings with filters, and the deploy gate per
 * environment with what blocks it.
 *
 * @param props          Component props.
 * @param props.appId    The app, or null when none is chosen yet.
 * @param props.canScan  Whether "Scan again" is offered.
 * @param props.navigate Opens another screen of the console.
 */
export function ScanReportScreen( {
	appId,
	canScan,
	navigate,
}: ScanReportScreenProps ) {
	const [ app, setApp ] = useState< OrbitApp | null >( null );
	const [ report, setReport ] = useState< ScanReport | null >( null );
	const [ environments, setEnvironments ] = useState< Environment[] >( [] );
	const [ error, setError ] = useState< string | null >( null );
	const [ notice, setNotice ] = useState< string | null >( null );
	const [ view, setView ] = useState< View >( DEFAULT_VIEW );

	useEffect( () => {
		if ( ! appId ) {
			return;
		}
		setReport( null );
		setError( null );
		listEnvironments()
			.then( setEnvironments )
			.catch( () => setEnvironments( [] ) );
		Promise.all( [ getApp( appId ), getScanReport( appId ) ] )
			.then( ( [ loadedApp, loadedReport ] ) => {
				setApp( loadedApp );
				setReport( loadedReport );
			} )
			.catch( ( failure ) => setError( errorMessage( failure ) ) );
	}, [ appId ] );

	const rows = useMemo< FindingRow[] >(
		() =>
			( report?.findings ?? [] ).map( ( finding, index ) => ( {
				...finding,
				key: `${ finding.id }:${ finding.package }:${ finding.target }:${ index }`,
			} ) ),
		[ report ]
	);
	const shown = useMemo(
		() => filterSortAndPaginate( rows, view, FINDING_FIELDS ),
		[ rows, view ]
	);

	if ( ! appId ) {
		return (
			<div className="k8or-orbit-scan-report">
				<h2>{ __( 'Scan report', 'k8or-orbit' ) }</h2>
				<p>
					{ __(
						'Choose an app in Images and pick “Scan report”.',
						'k8or-orbit'
					) }{ ' ' }
					<Button
						variant="link"
						onClick={ () => navigate( { screen: 'images' } ) }
					>
						{ __( 'Go to Images', 'k8or-orbit' ) }
					</Button>
				</p>
			</div>
		);
	}

	return (
		<div className="k8or-orbit-scan-report">
			<h2>
				{ app
					? sprintf(
							/* translators: %s: app title. */ __(
								'Scan report: %s',
								'k8or-orbit'
							),
							app.title || app.name
						)
					: __( 'Scan report', 'k8or-orbit' ) }
			</h2>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ notice && (
				<Notice status="success" onRemove={ () => setNotice( null ) }>
					{ notice }
				</Notice>
			) }
			{ ! report && ! error && <Spinner /> }
			{ report && (
				<>
					<p>
						{ sprintf(
							/* translators: 1: scan status, 2: time, 3: scanner. */
							__(
								'Status: %1$s. Scanned: %2$s. Scanner: %3$s.',
								'k8or-orbit'
							),
							app?.scan.status ?? report.status,
							formatTime( report.scannedAt ) ||
								__( 'never', 'k8or-orbit' ),
							report.scanner || '—'
						) }
						{ report.reason && ` ${ report.reason }` }
						{ canScan && app && ! app.deleted.deleted && (
							<>
								{ ' ' }
								<Button
									variant="secondary"
									onClick={ () =>
										scanApp( app.id )
											.then( ( { jobId } ) =>
												setNotice(
													sprintf(
														/* translators: %s: job id. */ __(
															'Scan started (job %s).',
															'k8or-orbit'
														),
														jobId
													)
												)
											)
											.catch( ( failure ) =>
												setError(
													errorMessage( failure )
												)
											)
									}
								>
									{ __( 'Scan again', 'k8or-orbit' ) }
								</Button>
							</>
						) }
					</p>
					<h3>
						{ __( 'Deploy verdict per environment', 'k8or-orbit' ) }
					</h3>
					<p className="k8or-orbit-gates">
						<Verdicts
							verdicts={ app?.verdicts ?? {} }
							environments={ environments }
							scan={ app?.scan }
						/>
					</p>
					{ report.counts ? (
						<>
							<h3>
								{ __( 'Findings per severity', 'k8or-orbit' ) }
							</h3>
							<SeverityChart counts={ report.counts } />
						</>
					) : (
						<p className="k8or-orbit-scan-report__unavailable">
							{ sprintf(
								/* translators: %s: why the image was not scanned. */
								__( 'Not scanned: %s', 'k8or-orbit' ),
								report.reason ||
									__(
										'the scanner is unavailable',
										'k8or-orbit'
									)
							) }
						</p>
					) }

					<h3>{ __( 'Findings', 'k8or-orbit' ) }</h3>
					<DataViews< FindingRow >
						data={ shown.data }
						fields={ FINDING_FIELDS }
						view={ view }
						onChangeView={ setView }
						getItemId={ ( row ) => row.key }
						paginationInfo={ shown.paginationInfo }
						defaultLayouts={ { table: {} } }
						searchLabel={ __( 'Search findings', 'k8or-orbit' ) }
					/>
				</>
			) }
		</div>
	);
}
