/**
 * WordPress dependencies
 */
import { Button, Notice, SelectControl, Spinner } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	errorMessage,
	getApp,
	listEnvironments,
	refreshEnvironment,
} from '../api/rest';
import type { Environment, OrbitApp } from '../api/types';
import { DeployProgress } from '../components/deploy-progress';
import { formatTime } from '../components/format';
import { RefreshProgress } from '../components/refresh-progress';
import { YamlView } from '../components/yaml-view';
import type { Route } from '../routes';
import {
	DeployDialog,
	environmentLine,
	getManifests,
	listRevisions,
	RollbackDialog,
	shortDigest,
	type DeployStarted,
	type Manifests,
	type Revision,
} from '../../../ui/src/deploy';

interface AppScreenProps {
	appId: number;
	/** Open the deploy form right away. */
	deploy: boolean;
	/** Whether the revisions and manifests may be read (orbit_read_jobs). */
	readsJobs: boolean;
	navigate: ( route: Route ) => void;
}

/**
 * One revision's inputs in a line: "2 × 8080, 100m/128Mi → 500m/256Mi, 2 env".
 *
 * @param revision The revision.
 */
function inputsLine( revision: Revision ): string {
	const inputs = revision.inputs;
	if ( ! inputs ) {
		return '';
	}
	const { requests, limits } = inputs.resources;
	return sprintf(
		/* translators: 1: replicas, 2: port, 3: requests, 4: limits, 5: number of environment variables. */
		__(
			'%1$d × port %2$s, requests %3$s, limits %4$s, %5$d env',
			'k8or-orbit'
		),
		inputs.replicas,
		String( inputs.containerPort ?? '—' ),
		[ requests.cpu, requests.memory ].filter( Boolean ).join( '/' ) || '—',
		[ limits.cpu, limits.memory ].filter( Boolean ).join( '/' ) || '—',
		inputs.env?.length ?? 0
	);
}

/**
 * The revisions of the app in one environment and the manifests of the one chosen; where the
 * user may deploy, a "Roll back" on each earlier committed revision.
 *
 * @param props             Component props.
 * @param props.appId       App id.
 * @param props.environment Environment.
 * @param props.rollBackTo  Opens the rollback confirmation; absent where the user may not deploy.
 */
function ChartView( {
	appId,
	environment,
	rollBackTo,
}: {
	appId: number;
	environment: string;
	rollBackTo?: ( revision: Revision ) => void;
} ) {
	const [ revisions, setRevisions ] = useState< Revision[] | null >( null );
	const [ chosen, setChosen ] = useState< number | null >( null );
	const [ manifests, setManifests ] = useState< Manifests | null >( null );
	const [ error, setError ] = useState< string | null >( null );

	useEffect( () => {
		let current = true;
		setRevisions( null );
		setManifests( null );
		setError( null );
		listRevisions( appId, environment )
			.then( ( list ) => {
				if ( current ) {
					setRevisions( list.items );
					setChosen( list.items[ 0 ]?.revision ?? null );
				}
			} )
			.catch(
				( failure ) => current && setError( errorMessage( failure ) )
			);
		return () => {
			current = false;
		};
	}, [ appId, environment ] );

	useEffect( () => {
		let current = true;
		if ( chosen === null ) {
			return;
		}
		setManifests( null );
		getManifests( appId, environment, chosen )
			.then( ( answer ) => current && setManifests( answer ) )
			.catch(
				( failure ) => current && setError( errorMessage( failure ) )
			);
		return () => {
			current = false;
		};
	}, [ appId, environment, chosen ] );

	if ( error ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ error }
			</Notice>
		);
	}
	if ( ! revisions ) {
		return <Spinner />;
	}
	// The revision running now is the newest that reached the GitOps repository.
	const running = revisions.find(
		( revision ) => revision.status === 'committed'
	)?.revision;
	if ( revisions.length === 0 ) {
		return (
			<p>
				{ sprintf(
					/* translators: %s: environment. */
					__( 'No revision in %s yet.', 'k8or-orbit' ),
					environment
				) }
			</p>
		);
	}
	return (
		<>
			<table className="widefat striped k8or-orbit-revisions">
				<caption className="screen-reader-text">
					{ sprintf(
						/* translators: %s: environment. */
						__( 'Revisions in %s', 'k8or-orbit' ),
						environment
					) }
				</caption>
				<thead>
					<tr>
						<th scope="col">{ __( 'Revision', 'k8or-orbit' ) }</th>
						<th scope="col">{ __( 'Digest', 'k8or-orbit' ) }</th>
						<th scope="col">{ __( 'Inputs', 'k8or-orbit' ) }</th>
						<th scope="col">{ __( 'Who', 'k8or-orbit' ) }</th>
						<th scope="col">{ __( 'When', 'k8or-orbit' ) }</th>
						<th scope="col">{ __( 'Commit', 'k8or-orbit' ) }</th>
						<th scope="col">{ __( 'Manifests', 'k8or-orbit' ) }</th>
						{ rollBackTo && (
							<th scope="col">
								{ __( 'Rollback', 'k8or-orbit' ) }
							</th>
						) }
					</tr>
				</thead>
				<tbody>
					{ revisions.map( ( revision ) => (
						<tr key={ revision.revision }>
							<th scope="row">{ revision.revision }</th>
							<td>
								<code>
									{ revision.image?.digest
										? shortDigest( revision.image.digest )
										: '—' }
								</code>
							</td>
							<td>{ inputsLine( revision ) }</td>
							<td>{ revision.actor?.login ?? '—' }</td>
							<td>{ formatTime( revision.createdAt ) }</td>
							<td>
								<code>
									{ revision.commit?.slice( 0, 12 ) ?? '—' }
								</code>
							</td>
							<td>
								<Button
									variant={
										chosen === revision.revision
											? 'primary'
											: 'secondary'
									}
									size="small"
									aria-pressed={
										chosen === revision.revision
									}
									onClick={ () =>
										setChosen( revision.revision )
									}
								>
									{ sprintf(
										/* translators: %d: revision. */
										__( 'Show revision %d', 'k8or-orbit' ),
										revision.revision
									) }
								</Button>
							</td>
							{ rollBackTo && (
								<td>
									{ revision.revision === running && (
										<span className="k8or-orbit-revisions__current">
											{ __( 'current', 'k8or-orbit' ) }
										</span>
									) }
									{ revision.status === 'committed' &&
										revision.revision !== running && (
											<Button
												variant="secondary"
												size="small"
												onClick={ () =>
													rollBackTo( revision )
												}
											>
												{ sprintf(
													/* translators: %d: revision. */
													__(
														'Roll back to revision %d',
														'k8or-orbit'
													),
													revision.revision
												) }
											</Button>
										) }
								</td>
							) }
						</tr>
					) ) }
				</tbody>
			</table>
			{ manifests ? (
				<div className="k8or-orbit-chart__files">
					{ Object.entries( manifests.files ).map(
						( [ name, yaml ] ) => (
							<YamlView
								key={ name }
								name={ name }
								yaml={ yaml }
							/>
						)
					) }
				</div>
			) : (
				<Spinner />
			) }
		</>
	);
}

/**
 * One app: its status per environment, a deploy button per environment the user may deploy
 * to, and (for readers of jobs) the revisions and manifests — the "chart" view.
 */
export function AppScreen( {
	appId,
	deploy,
	readsJobs,
	navigate,
}: AppScreenProps ) {
	const [ app, setApp ] = useState< OrbitApp | null >( null );
	const [ environments, setEnvironments ] = useState< Environment[] >( [] );
	const [ error, setError ] = useState< string | null >( null );
	const [ deploying, setDeploying ] = useState< string | null >( null );
	const [ chartEnvironment, setChartEnvironment ] = useState< string | null >(
		null
	);
	const [ reload, setReload ] = useState( 0 );
	const [ rollingBack, setRollingBack ] = useState< {
		environment: string;
		revision: Revision;
	} | null >( null );
	/** The Refresh job of each environment, once asked. */
	const [ refreshes, setRefreshes ] = useState< Record< string, string > >(
		{}
	);
	const [ refreshError, setRefreshError ] = useState< string | null >( null );

	useEffect( () => {
		let current = true;
		Promise.all( [ getApp( appId ), listEnvironments() ] )
			.then( ( [ loaded, configured ] ) => {
				if ( current ) {
					setApp( loaded );
					setEnvironments( configured );
				}
			} )
			.catch(
				( failure ) => current && setError( errorMessage( failure ) )
			);
		return () => {
			current = false;
		};
	}, [ appId, reload ] );

	const deployable = environments
		.filter( ( environment ) => environment.canDeploy )
		.map( ( environment ) => environment.name );

	useEffect( () => {
		if ( deploy && deployable[ 0 ] && app && ! app.deleted.deleted ) {
			setDeploying( ( open ) => open ?? deployable[ 0 ] ?? null );
		}
		// Only when the route asks for the form and what it needs has loaded.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ deploy, app, environments ] );

	if ( error ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ error }
			</Notice>
		);
	}
	if ( ! app ) {
		return <Spinner />;
	}
	const digest = app.image.manifestDigest ?? app.image.configDigest;
	const refresh = ( environment: string ) => {
		setRefreshError( null );
		refreshEnvironment( app.id, environment )
			.then( ( { jobId } ) =>
				setRefreshes( ( jobs ) => ( {
					...jobs,
					[ environment ]: jobId,
				} ) )
			)
			.catch( ( failure ) => setRefreshError( errorMessage( failure ) ) );
	};
	const shownChart = chartEnvironment ?? environments[ 0 ]?.name ?? null;
	const mayRollBack =
		shownChart !== null &&
		deployable.includes( shownChart ) &&
		! app.deleted.deleted;
	const target = {
		id: app.id,
		name: app.name,
		version: app.image.tag,
		digest,
	};
	const reloadWhenEnded = ( started: DeployStarted ) => (
		<DeployProgress
			started={ started }
			onEnded={ () => setReload( ( count ) => count + 1 ) }
		/>
	);

	return (
		<div className="k8or-orbit-app">
			<h2>{ app.title }</h2>
			<p>
				<code>{ app.name }</code>
				{ app.image.tag && ` ${ app.image.tag }` }
				{ digest && (
					<>
						{ ' ' }
						<code>{ shortDigest( digest ) }</code>
					</>
				) }
			</p>
			<section aria-labelledby="k8or-orbit-app-environments">
				<h3 id="k8or-orbit-app-environments">
					{ __( 'Environments', 'k8or-orbit' ) }
				</h3>
				<ul className="k8or-orbit-app__environments">
					{ environments.map( ( environment ) => (
						<li
							key={ environment.name }
							data-environment={ environment.name }
						>
							<span className="k8or-orbit-app__environment-status">
								{ environmentLine(
									environment.name,
									app.environments[ environment.name ]
								) }
							</span>{ ' ' }
							{ environment.canDeploy &&
								! app.deleted.deleted && (
									<Button
										variant="secondary"
										size="small"
										onClick={ () =>
											setDeploying( environment.name )
										}
									>
										{ sprintf(
											/* translators: %s: environment. */
											__( 'Deploy to %s', 'k8or-orbit' ),
											environment.name
										) }
									</Button>
								) }
							{ /* Refresh is for those who may deploy there, once something was deployed. */ }
							{ environment.canDeploy &&
								!! app.environments[ environment.name ]
									?.revision && (
									<Button
										variant="tertiary"
										size="small"
										onClick={ () =>
											refresh( environment.name )
										}
									>
										{ sprintf(
											/* translators: %s: environment. */
											__( 'Refresh %s', 'k8or-orbit' ),
											environment.name
										) }
									</Button>
								) }
							{ refreshes[ environment.name ] && (
								<RefreshProgress
									key={ refreshes[ environment.name ] }
									jobId={ refreshes[ environment.name ]! }
									environment={ environment.name }
									onEnded={ () =>
										setReload( ( count ) => count + 1 )
									}
								/>
							) }
						</li>
					) ) }
				</ul>
				{ refreshError && (
					<Notice status="error" isDismissible={ false }>
						{ refreshError }
					</Notice>
				) }
			</section>
			{ readsJobs && shownChart && (
				<section
					className="k8or-orbit-chart"
					aria-labelledby="k8or-orbit-app-chart"
				>
					<h3 id="k8or-orbit-app-chart">
						{ __( 'Chart: revisions and manifests', 'k8or-orbit' ) }
					</h3>
					<SelectControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Environment', 'k8or-orbit' ) }
						value={ shownChart }
						options={ environments.map( ( { name } ) => ( {
							label: name,
							value: name,
						} ) ) }
						onChange={ setChartEnvironment }
					/>
					<ChartView
						key={ `${ shownChart }-${ reload }` }
						appId={ app.id }
						environment={ shownChart }
						rollBackTo={
							mayRollBack
								? ( revision ) =>
										setRollingBack( {
											environment: shownChart,
											revision,
										} )
								: undefined
						}
					/>
				</section>
			) }
			{ deploying && (
				<DeployDialog
					target={ target }
					environments={ deployable }
					environment={ deploying }
					onClose={ () => {
						setDeploying( null );
						setReload( ( count ) => count + 1 );
						if ( deploy ) {
							navigate( { screen: 'app', appId } );
						}
					} }
					renderStarted={ reloadWhenEnded }
				/>
			) }
			{ rollingBack && (
				<RollbackDialog
					target={ target }
					environment={ rollingBack.environment }
					revision={ rollingBack.revision }
					onClose={ () => {
						setRollingBack( null );
						setReload( ( count ) => count + 1 );
					} }
					renderStarted={ reloadWhenEnded }
				/>
			) }
		</div>
	);
}
