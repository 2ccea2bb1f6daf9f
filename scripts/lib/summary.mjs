/**
 * The human summary of a running stack.
 */
import path from 'node:path';

import { bold, dim, green } from './console.mjs';

export function formatSummary( stack, stackFilePath ) {
	const rows = [
		[ 'WordPress', stack.wordpress.url ],
		[
			'wp-admin (Orbit)',
			`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit`,
		],
		[ 'App catalog', `${ stack.wordpress.url }/apps/` ],
		[
			'rest-bridge',
			`${ stack.bridge.url }  (${ stack.bridge.url }/readyz)`,
		],
		[
			'NATS',
			`${ stack.nats.url }  websocket ${ stack.nats.websocketUrl }`,
		],
		[ 'S3', stack.s3.endpoint ],
		[ 'DynamoDB', stack.dynamodb.endpoint ],
		[ 'OCI registry', stack.registry.url ],
		[ 'GitOps repository', stack.gitops.url ],
		[
			'MariaDB',
			`${ stack.mariadb.host }:${ stack.mariadb.port }  database ${ stack.mariadb.database }`,
		],
	];
	const width = Math.max( ...rows.map( ( [ label ] ) => label.length ) );
	const lines = [
		'',
		bold( green( 'k8or Orbit is running.' ) ),
		'',
		...rows.map(
			( [ label, value ] ) => `  ${ label.padEnd( width ) }  ${ value }`
		),
		'',
		bold( '  Logins' ),
		...stack.wordpress.users.map(
			( user ) =>
				`  ${ user.login.padEnd( 9 ) } ${ user.role.padEnd( 15 ) } password ${ user.password }   application password ${ user.applicationPassword ?? '(see stack.json)' }`
		),
		'',
		`  ${ dim( `Everything above, as JSON: ${ path.relative( process.cwd(), stackFilePath ) || stackFilePath }` ) }`,
		`  ${ dim( `Logs: ${ path.relative( process.cwd(), stack.logsDir ) || stack.logsDir }/` ) }`,
		`  ${ dim( 'Press Ctrl-C to stop everything.' ) }`,
		'',
	];
	return lines.join( '\n' );
}
