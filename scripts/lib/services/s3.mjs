/**
 * The S3-compatible server (s3rver) and the DynamoDB-compatible server (dynalite), both Node
 * processes keeping their data under the data directory.
 */
import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../config.mjs';
import { startNodeService } from '../processes.mjs';

/** s3rver accepts any credentials; these are the ones it documents. */
export const LOCAL_S3_CREDENTIALS = {
	accessKeyId: 'S3RVER',
	secretAccessKey: 'S3RVER',
};
export const REGION = 'us-east-1';

function dataFolder( config, name ) {
	const directory = path.join( config.dataDir, name );
	fs.mkdirSync( directory, { recursive: true } );
	return directory;
}

export async function startS3( { config, supervisor } ) {
	const endpoint = await startNodeService( {
		config,
		supervisor,
		name: 's3',
		label: 'S3 server',
		script: path.join( repoRoot, 'scripts', 'services', 's3-server.mjs' ),
		args: [ '--directory', dataFolder( config, 's3' ) ],
	} );
	return {
		endpoint,
		region: REGION,
		...LOCAL_S3_CREDENTIALS,
		bucketPrefix: 'orbit-',
	};
}

export async function startDynamodb( { config, supervisor } ) {
	// Tables are ready at once: waiting for CREATING → ACTIVE only slows the local stack down.
	const instant = [
		'--createTableMs',
		'0',
		'--deleteTableMs',
		'0',
		'--updateTableMs',
		'0',
	];
	const endpoint = await startNodeService( {
		config,
		supervisor,
		name: 'dynamodb',
		label: 'DynamoDB server',
		script: path.join( repoRoot, 'node_modules', 'dynalite', 'cli.js' ),
		args: [ '--path', dataFolder( config, 'dynamodb' ), ...instant ],
	} );
	return { endpoint, region: REGION, tablePrefix: 'orbit-' };
}
