import { createServer } from 'node:net';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DynamoDocumentStore } from '../../src/adapters/dynamo.js';
import { createS3Client } from '../../src/adapters/s3.js';

/** A port nothing listens on (taken and released at once). */
async function closedPort(): Promise< number > {
	const server = createServer();
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = server.address() as { port: number };
	await new Promise( ( resolve ) => server.close( resolve ) );
	return port;
}

describe( 'a service that does not answer', () => {
	it( 'is named in the error, with its address and the cause', async () => {
		const endpoint = `http://127.0.0.1:${ await closedPort() }`;
		process.env.AWS_ACCESS_KEY_ID ??= 'local';
		process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
		const s3 = createS3Client( {
			endpoint,
			region: 'us-east-1',
			forcePathStyle: true,
			bucketPrefix: 'orbit-',
		} );
		await expect(
			s3.send( new HeadBucketCommand( { Bucket: 'orbit-temporary' } ) )
		).rejects.toThrow(
			new RegExp(
				`^S3 at ${ endpoint } did not answer \\(.*ECONNREFUSED`
			)
		);
		s3.destroy();
		const dynamo = DynamoDocumentStore.fromConfig( {
			endpoint,
			region: 'us-east-1',
			tablePrefix: 'orbit-',
		} );
		await expect(
			dynamo.get( 'orbit-jobs', { jobId: 'one' } )
		).rejects.toThrow(
			new RegExp( `^DynamoDB at ${ endpoint } did not answer \\(` )
		);
		dynamo.close();
	} );
} );
