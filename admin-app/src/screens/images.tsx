/**
 * WordPress dependencies
 */
import { Notice } from '@wordpress/components';
import {
	DataViews,
	type Action,
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
	listApps,
	listCategories,
	listEnvironments,
	scanApp,
	type AppList,
	type AppQuery,
} from '../api/rest';
import type {
	Environment,
	EnvironmentStatus,
	OrbitApp,
	ScanStatus,
} from '../api/types';
import { formatTime } from '../components/format';
import { Verdicts } from '../components/verdicts';
import type { Route } from '../routes';
import { ENVIRONMENT_STATUS_LABELS } from '../../../ui/src/deploy';
import './data-views.scss';

const SCAN_STATUSES: Array< { value: ScanStatus; label: string } > = [
	{ value: 'none', label: __( 'Not scanned', 'k8or-orbit' ) },
	{ value: 'scanned', label: __( 'Scanned', 'k8or-orbit' ) },
	{ value: 'unavailable', label: __( 'Scanner unavailable', 'k8or-orbit' ) },
];

const ENVIRONMENT_STATUSES = (
	Object.entries( ENVIRONMENT_STATUS_LABELS ) as Array<
		[ EnvironmentStatus, string ]
	>
 ).map( ( [ value, label ] ) => ( { value, label } ) );

const DEFAULT_VIEW: View = {
	type: 'table',
	search: '',
	page: 1,
	perPage: 20,
	sort: { field: 'title', direction: 'asc' },
	filters: [],
	titleField: 'title',
	fields: [
		'name',
		'image',
		'version',
		'category',
		'environment',
		'scan',
		'deleted',
		'modified',
	],
};

const SORTABLE: Record< string, AppQuery[ 'orderby' ] > = {
	title: 'title',
	modified: 'modified',
};

/**
 * The REST query for a DataViews view: filters, sorting and paging run on the server.
 *
 * @param view        The view.
 * @param seesDeleted Whether the user may list deleted apps.
 */
export function viewToQuery( view: View, seesDeleted: boolean ): AppQuery {
	const query: AppQuery = {
		page: view.page ?? 1,
		per_page: view.perPage ?? 20,
		include_deleted: seesDeleted,
	};
	if ( view.search ) {
		query.search = view.search;
	}
	if ( view.sort && SORTABLE[ view.sort.field ] ) {
		query.orderby = SORTABLE[ view.sort.field ];
		query.order = view.sort.direction;
	}
	for ( const filter of view.filters ?? [] ) {
		if (
			filter.operator !== 'is' ||
			filter.value === undefined ||
			filter.value === ''
		) {
			continue;
		}
		const value = String( filter.value );
		switch ( filter.field ) {
			case 'category':
				query.category = value;
				break;
			case 'environment':
				query.environment = value;
				break;
			case 'environmentStatus':
				query.environment_status = value;
				break;
			case 'scan':
				query.scan_status = value;
				break;
			case 'deleted':
				// Only deleted apps, or none; users who may not see them get none either way.
				query.include_deleted = seesDeleted && value === 'yes';
				if ( query.include_deleted ) {
					query.deleted = true;
				}
				break;
		}
	}
	return query;
}

interface ImagesScreenProps {
	/** Whether the user may deploy to some environment. */
	canDeploy?: boolean;
	canScan: boolean;
	seesDeleted: boolean;
	navigate: ( route: Route ) => void;
}

/**
 * All apps in a DataViews table with search, filters, sorting, pages and actions.
 *
 * @param props             Component props.
 * @param props.canDeploy   Whether "deploy" is offered.
 * @param props.canScan     Whether "scan again" is offered.
 * @param props.seesDeleted Whether deleted apps are listed (and filterable).
 * @param props.navigate    Opens another screen of the console.
 */
export function ImagesScreen( {
	canDeploy = false,
	canScan,
	seesDeleted,
	navigate,
}: ImagesScreenProps ) {
	const [ view, setView ] = useState< View >( DEFAULT_VIEW );
	const [ result, setResult ] = useState< AppList | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const [ notice, setNotice ] = useState< string | null >( null );
	const [ environments, setEnvironments ] = useState< Environment[] >( [] );
	const [ categories, setCategories ] = useState<
		Array< { slug: string; name: string } >
	>( [] );
	const [ reload, setReload ] = useState( 0 );

	useEffect( () => {
		listEnvironments()
			.then( setEnvironments )
			.catch( () => setEnvironments( [] ) );
		listCategories()
			.then( setCategories )
			.catch( () => setCategories( [] ) );
	}, [] );

	const query = useMemo(
		() => viewToQuery( view, seesDeleted ),
		[ view, seesDeleted ]
	);
	useEffect( () => {
		let current = true;
		setError( null );
		listApps( query )
			.then( ( list ) => current && setResult( list ) )
			.catch(
				( failure ) => current && setError( errorMessage( failure ) )
			);
		return () => {
			current = false;
		};
	}, [ query, reload ] );

	const fields = useMemo< Field< OrbitApp >[] >(
		() => [
			{
				id: 'title',
				label: __( 'App', 'k8or-orbit' ),
				enableHiding: false,
				enableGlobalSearch: true,
				getValue: ( { item } ) => item.title || item.name,
			},
			{
				id: 'name',
				label: __( 'Name', 'k8or-orbit' ),
				enableSorting: false,
			},
			{
				id: 'image',
				label: __( 'Image', 'k8or-orbit' ),
				enableSorting: false,
				getValue: ( { item } ) =>
					item.image.repository
						? `${ item.image.repository }:${ item.image.tag ?? '' }`
						: '',
			},
			{
				id: 'version',
				label: __( 'Version', 'k8or-orbit' ),
				enableSorting: false,
				getValue: ( { item } ) => item.image.version ?? '',
			},
			{
				id: 'category',
				label: __( 'Category', 'k8or-orbit' ),
				enableSorting: false,
				elements: categories.map( ( term ) => ( {
					value: term.slug,
					label: term.name,
				} ) ),
				filterBy: { operators: [ 'is' ] },
				getValue: ( { item } ) => item.categories[ 0 ]?.slug ?? '',
				render: ( { item } ) => (
					<>
						{ item.categories
							.map( ( term ) => term.name )
							.join( ', ' ) }
					</>
				),
			},
			{
				id: 'environment',
				label: __( 'Environments', 'k8or-orbit' ),
				enableSorting: false,
				elements: environments.map( ( environment ) => ( {
					value: environment.name,
					label: environment.name,
				} ) ),
				filterBy: { operators: [ 'is' ] },
				getValue: ( { item } ) =>
					Object.keys( item.environments ).join( ',' ),
				render: ( { item } ) => (
					<>
						{ Object.entries( item.environments )
							.filter(
								( [ , state ] ) => state.status !== 'none'
							)
							.map(
								( [ environment, state ] ) =>
									`${ environment }: ${
										ENVIRONMENT_STATUS_LABELS[
											state.status
										] ?? state.status
									}${
										state.revision
											? ` (r${ state.revision })`
											: ''
									}`
							)
							.join( ', ' ) ||
							__( 'not deployed', 'k8or-orbit' ) }
					</>
				),
			},
			{
				id: 'environmentStatus',
				label: __( 'Environment status', 'k8or-orbit' ),
				enableSorting: false,
				enableHiding: false,
				elements: ENVIRONMENT_STATUSES,
				filterBy: { operators: [ 'is' ] },
				getValue: ( { item } ) =>
					Object.values( item.environments )
						.map( ( state ) => state.status )
						.join( ',' ),
			},
			{
				id: 'scan',
				label: __( 'Verdict per environment', 'k8or-orbit' ),
				enableSorting: false,
				elements: SCAN_STATUSES,
				filterBy: { operators: [ 'is' ] },
				getValue: ( { item } ) => item.scan.status ?? 'none',
				render: ( { item } ) => (
					<Verdicts
						verdicts={ item.verdicts ?? {} }
						environments={ environments }
						scan={ item.scan }
					/>
				),
			},
			...( seesDeleted
				? [
						{
							id: 'deleted',
							label: __( 'Deleted', 'k8or-orbit' ),
							enableSorting: false,
							elements: [
								{
									value: 'yes',
									label: __( 'Deleted', 'k8or-orbit' ),
								},
								{
									value: 'no',
									label: __( 'Not deleted', 'k8or-orbit' ),
								},
							],
							filterBy: { operators: [ 'is' ] },
							getValue: ( { item }: { item: OrbitApp } ) =>
								item.deleted.deleted ? 'yes' : 'no',
						} satisfies Field< OrbitApp >,
					]
				: [] ),
			{
				id: 'modified',
				label: __( 'Modified', 'k8or-orbit' ),
				getValue: ( { item } ) => item.modified,
				render: ( { item } ) => <>{ formatTime( item.modified ) }</>,
			},
		],
		[ categories, environments, seesDeleted ]
	);

	const actions = useMemo< Action< OrbitApp >[] >(
		() => [
			{
				id: 'open',
				label: __( 'Open', 'k8or-orbit' ),
				isPrimary: true,
				callback: ( [ app ] ) => {
					if ( app ) {
						window.location.assign(
							`post.php?post=${ app.id }&action=edit`
						);
					}
				},
			},
			{
				id: 'deploy',
				label: __( 'Deploy', 'k8or-orbit' ),
				isEligible: ( app ) => canDeploy && ! app.deleted.deleted,
				callback: ( [ app ] ) =>
					app &&
					navigate( { screen: 'app', appId: app.id, deploy: true } ),
			},
			{
				id: 'environments',
				label: __( 'Environments and manifests', 'k8or-orbit' ),
				callback: ( [ app ] ) =>
					app && navigate( { screen: 'app', appId: app.id } ),
			},
			{
				id: 'versions',
				label: __( 'Versions', 'k8or-orbit' ),
				callback: ( [ app ] ) =>
					app && navigate( { screen: 'versions', appId: app.id } ),
			},
			{
				id: 'scan-again',
				label: __( 'Scan again', 'k8or-orbit' ),
				isEligible: ( app ) => canScan && ! app.deleted.deleted,
				callback: async ( [ app ] ) => {
					if ( ! app ) {
						return;
					}
					try {
						const { jobId } = await scanApp( app.id );
						setNotice(
							sprintf(
								/* translators: 1: app name, 2: job id. */
								__(
									'Scan of %1$s started (job %2$s).',
									'k8or-orbit'
								),
								app.name,
								jobId
							)
						);
						setReload( ( count ) => count + 1 );
					} catch ( failure ) {
						setError( errorMessage( failure ) );
					}
				},
			},
			{
				id: 'scan-report',
				label: __( 'Scan report', 'k8or-orbit' ),
				callback: ( [ app ] ) =>
					app && navigate( { screen: 'scan', appId: app.id } ),
			},
			{
				id: 'view-page',
				label: __( 'View page', 'k8or-orbit' ),
				isEligible: ( app ) =>
					app.status === 'publish' && ! app.deleted.deleted,
				callback: ( [ app ] ) => {
					if ( app ) {
						window.open( app.link, '_blank', 'noopener' );
					}
				},
			},
			{
				id: 'event-log',
				label: __( 'Event log', 'k8or-orbit' ),
				callback: ( [ app ] ) =>
					app &&
					navigate( { screen: 'events', source: { appId: app.id } } ),
			},
		],
		[ canDeploy, canScan, navigate ]
	);

	return (
		<div className="k8or-orbit-images">
			<h2>{ __( 'Images', 'k8or-orbit' ) }</h2>
			{ error && (
				<Notice status="error" onRemove={ () => setError( null ) }>
					{ error }
				</Notice>
			) }
			{ notice && (
				<Notice status="success" onRemove={ () => setNotice( null ) }>
					{ notice }
				</Notice>
			) }
			<DataViews< OrbitApp >
				data={ result?.items ?? [] }
				isLoading={ ! result && ! error }
				fields={ fields }
				view={ view }
				onChangeView={ setView }
				actions={ actions }
				getItemId={ ( app ) => String( app.id ) }
				paginationInfo={ {
					totalItems: result?.total ?? 0,
					totalPages: result?.totalPages ?? 0,
				} }
				defaultLayouts={ { table: {} } }
				searchLabel={ __( 'Search apps', 'k8or-orbit' ) }
			/>
		</div>
	);
}
