/**
 * The S3-compatible server (s3rver) and the DynamoDB-compatible server (dynalite), both Node
 * processes keeping their data under the data directory.
 */
import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../config.mjs';
import { httpOk, startService, waitUntil } from '../processes.mjs';

/** s3rver accepts any credentials; these are the ones it documents. */
export const LOCAL_S3_CREDENTIALS = {
	accessKeyId: 'S3RVER',
	secretAccessKey: 'S3RVER',
};
export const REGION = 'us-east-1';

export async function startS3( { config } ) {
	const directory = path.join( config.dataDir, 's3' );
	fs.mkdirSync( directory, { recursive: true } );
	const service = startService( {
		name: 's3',
		dataDir: config.dataDir,
		command: process.execPath,
		args: [
			path.join( repoRoot, 'scripts', 'services', 's3-server.mjs' ),
			'--host',
			config.host,
			'--port',
			String( config.ports.s3 ),
			'--directory',
			directory,
		],
	} );
	const endpoint = `http://${ config.host }:${ config.ports.s3 }`;
	await waitUntil( {
		label: 'S3 server',
		service,
		check: () => httpOk( endpoint ),
	} );
	return {
		endpoint,
		region: REGION,
		...LOCAL_S3_CREDENTIALS,
		bucketPrefix: 'orbit-',
	};
}

export async function startDynamodb( { config } ) {
	const directory = path.join( config.dataDir, 'dynamodb' );
	fs.mkdirSync( directory, { recursive: true } );
	const service = startService( {
		name: 'dynamodb',
		dataDir: config.dataDir,
		command: process.execPath,
		args: [
			path.join( repoRoot, 'node_modules', 'dynalite', 'cli.js' ),
			'--host',
			config.host,
			'--port',
			String( config.ports.dynamodb ),
			'--path',
			directory,
			'--createTableMs',
			'0',
			'--deleteTableMs',
			'0',
			'--updateTableMs',
			'0',
		],
	} );
	const endpoint = `http://${ config.host }:${ config.ports.dynamodb }`;
	await waitUntil( {
		label: 'DynamoDB server',
		service,
		check: () => httpOk( endpoint ),
	} );
	return { endpoint, region: REGION, tablePrefix: 'orbit-' };
}
