import { DynamoDocumentStore } from './adapters/dynamo.js';
import { NatsMessageBus } from './adapters/nats.js';
import { S3ObjectStore, createS3Client } from './adapters/s3.js';
import type { BridgeConfig } from './config.js';
import { resourceNames, tableDefinitions } from './resources.js';

/**
 * Creates what the bridge needs, leaving what exists: the buckets (CORS on
 * the temporary bucket, which browsers upload parts to, and a lifecycle rule
 * aborting incomplete multipart uploads there), the tables with
 * their indexes, and the NATS streams with the shared job consumer.
 * Returns one line per resource.
 */
export async function provision( config: BridgeConfig ): Promise< string[] > {
	const names = resourceNames( config );
	const report: string[] = [];
	const objects = new S3ObjectStore( createS3Client( config.s3 ) );
	const store = DynamoDocumentStore.fromConfig( config.dynamodb );
	try {
		report.push(
			`bucket ${ names.buckets.temporary }: ${ await objects.ensureBucket(
				names.buckets.temporary,
				'browser-upload'
			) }`
		);
		// A backstop for the bridge's own sweep: S3 frees the parts of uploads nobody finished.
		report.push(
			`lifecycle ${ names.buckets.temporary }: ${ await objects.abortIncompleteUploadsAfter(
				names.buckets.temporary,
				Math.max(
					1,
					Math.ceil(
						config.uploadSweep.abandonedAfterSeconds / 86400
					)
				)
			) }`
		);
		for ( const bucket of [
			names.buckets.deleted,
			names.buckets.reports,
			...config.environments.map( names.buckets.environment ),
		] ) {
			report.push(
				`bucket ${ bucket }: ${ await objects.ensureBucket( bucket ) }`
			);
		}
		for ( const table of tableDefinitions( names ) ) {
			report.push(
				`table ${ table.name }: ${ await store.ensureTable( table ) }`
			);
		}
		// Request ids only matter within the signature's clock window.
		report.push(
			`ttl ${ names.tables.requestIds }.expiresAt: ${ await store.enableTimeToLive(
				names.tables.requestIds,
				'expiresAt'
			) }`
		);
	} finally {
		objects.close();
		store.close();
	}
	const bus = await NatsMessageBus.connect(
		config.nats,
		'orbit-bridge-provision'
	);
	try {
		report.push( ...( await bus.ensureStreams( config.jobs.ackWaitMs ) ) );
	} finally {
		await bus.drain();
	}
	return report;
}
