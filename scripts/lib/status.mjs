/**
 * What `npm run status` prints: each service with its pid, uptime, restarts and whether its
 * health check answers right now, from the supervisor's state file.
 */
import { bold, green, red, yellow } from './console.mjs';
import { isAlive } from './processes.mjs';
import {
	describeExit,
	formatDuration,
	healthAnswers,
	readSupervisorState,
	supervisorRunning,
} from './supervisor.mjs';

function healthTarget( health ) {
	return health.url ?? `tcp ${ health.host ?? '127.0.0.1' }:${ health.port }`;
}

/**
 * @param {string} dataDir
 * @param {number} [now]
 * @return {Promise<{text: string, healthy: boolean}>} The table, and whether every service answers.
 */
export async function formatStatus( dataDir, now = Date.now() ) {
	const state = readSupervisorState( dataDir );
	if ( ! supervisorRunning( state ) ) {
		return {
			text: `Orbit is not running from ${ dataDir } (no supervisor). Start it with: npm start\n`,
			healthy: false,
		};
	}
	const rows = await Promise.all(
		Object.entries( state.services ).map( async ( [ name, service ] ) => {
			const running = service.state === 'running';
			const answers =
				running && isAlive( service.pid )
					? await healthAnswers( service.health )
					: false;
			const stateText = {
				running: answers ? green( 'answers' ) : red( 'no answer' ),
				restarting: yellow( 'restarting' ),
				'given-up': red( 'given up' ),
				exited: red( 'exited' ),
			}[ service.state ];
			const lastExit = service.lastExit
				? `last exit: ${ describeExit( service.lastExit ) } at ${ service.lastExit.at }`
				: '';
			return {
				answers,
				cells: [
					name,
					running ? String( service.pid ) : '-',
					running
						? formatDuration(
								now - Date.parse( service.startedAt )
							)
						: '-',
					String( service.restarts ),
					stateText,
					`${ healthTarget( service.health ) }${ lastExit ? `  (${ lastExit })` : '' }`,
				],
			};
		} )
	);
	const header = [
		'service',
		'pid',
		'uptime',
		'restarts',
		'health',
		'check',
	];
	// Column widths ignore colour codes.
	const visible = ( text ) => text.replace( /\x1b\[[0-9;]*m/g, '' );
	const widths = header.map( ( title, column ) =>
		Math.max(
			title.length,
			...rows.map( ( row ) => visible( row.cells[ column ] ).length )
		)
	);
	const line = ( cells ) =>
		cells
			.map( ( cell, column ) =>
				column === cells.length - 1
					? cell
					: cell +
						' '.repeat( widths[ column ] - visible( cell ).length )
			)
			.join( '  ' );
	const healthy = rows.every( ( row ) => row.answers );
	const text = [
		`Orbit from ${ dataDir }: supervisor pid ${ state.pid }, up ${ formatDuration(
			now - Date.parse( state.startedAt )
		) }${ state.supervising ? '' : ' (still starting)' }`,
		bold( line( header ) ),
		...rows.map( ( row ) => line( row.cells ) ),
		healthy
			? green( 'Every service answers.' )
			: red(
					'Not every service answers: see the logs in ' +
						`${ dataDir }/logs/ (README: Troubleshooting).`
				),
	].join( '\n' );
	return { text: `${ text }\n`, healthy };
}
