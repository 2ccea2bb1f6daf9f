/**
 * The rest-bridge: provisioned (buckets, tables, streams) and then started, connected to
 * every other service and to WordPress through the signed link.
 */
import path from 'node:path';

import { repoRoot } from '../config.mjs';
import { run } from '../run.mjs';
import { httpOk, waitUntil } from '../processes.mjs';
import { ENVIRONMENTS } from './gitops.mjs';

export function bridgeEnvironment( {
	trivyPath,
	config,
	secrets,
	nats,
	s3,
	dynamodb,
	registry,
	gitops,
	wordpressUrl,
	bridgeSettings = {},
} ) {
	return {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		NODE_ENV: 'production',
		ORBIT_BRIDGE_HOST: config.host,
		ORBIT_BRIDGE_PORT: String( config.ports.bridge ),
		ORBIT_BRIDGE_SECRET: secrets.bridgeSecret,
		ORBIT_WORDPRESS_URL: wordpressUrl,
		ORBIT_NATS_URL: nats.url,
		ORBIT_NATS_ACCOUNT_SEED: nats.accountSeed,
		ORBIT_S3_ENDPOINT: s3.endpoint,
		ORBIT_S3_REGION: s3.region,
		ORBIT_S3_FORCE_PATH_STYLE: 'true',
		AWS_ACCESS_KEY_ID: s3.accessKeyId,
		AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
		ORBIT_BUCKET_PREFIX: s3.bucketPrefix,
		ORBIT_DYNAMODB_ENDPOINT: dynamodb.endpoint,
		ORBIT_DYNAMODB_REGION: dynamodb.region,
		ORBIT_TABLE_PREFIX: dynamodb.tablePrefix,
		ORBIT_REGISTRY_URL: registry.url,
		// One registry for every environment, each under its own path: tags (r1, r2 …) count per environment.
		...Object.fromEntries(
			ENVIRONMENTS.map( ( environment ) => [
				`ORBIT_REGISTRY_URL_${ environment.toUpperCase() }`,
				`${ registry.url }/${ environment }`,
			] )
		),
		ORBIT_GITOPS_URL: gitops.url,
		...( ( trivyPath ?? process.env.ORBIT_TRIVY_PATH )
			? { ORBIT_TRIVY_PATH: trivyPath ?? process.env.ORBIT_TRIVY_PATH }
			: {} ),
		...( process.env.ORBIT_TRIVY_SERVER_URL
			? { ORBIT_TRIVY_SERVER_URL: process.env.ORBIT_TRIVY_SERVER_URL }
			: {} ),
		ORBIT_LOG_LEVEL: process.env.ORBIT_LOG_LEVEL ?? 'info',
		...bridgeSettings,
	};
}

export async function startBridge( context ) {
	const { config, supervisor } = context;
	const env = bridgeEnvironment( context );
	const bridgeDir = path.join( repoRoot, 'rest-bridge' );
	await run(
		process.execPath,
		[ path.join( bridgeDir, 'bin', 'orbit-bridge.mjs' ), 'provision' ],
		{ env }
	);
	const url = `http://${ config.host }:${ config.ports.bridge }`;
	const service = supervisor.start( {
		name: 'bridge',
		// Alive, not ready: readiness also needs every service the bridge talks to.
		health: { url: `${ url }/healthz`, status: 200 },
		command: process.execPath,
		args: context.bridgeEntry ?? [
			path.join( bridgeDir, 'dist', 'server.js' ),
		],
		env,
	} );
	await waitUntil( {
		label: 'rest-bridge',
		service,
		timeoutMs: 45000,
		check: () => httpOk( `${ url }/readyz`, ( status ) => status === 200 ),
	} );
	return { url, secret: context.secrets.bridgeSecret };
}
