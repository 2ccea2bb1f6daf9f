import type { JobDefinition, JobRecord } from './engine.js';
import { PermanentJobError } from './errors.js';
import { scanStoredArchive, type ScanRecord } from './scan-archive.js';
import { appKeys, type JobServices } from './services.js';

export const SCAN_JOB = 'scan';

interface StoredImageMetadata {
	storage: { bucket: string; key: string; digest: string };
	configDigest: string;
}

/** The stored image of an app in an environment, or undefined when there is none. */
export async function findStoredImage(
	services: JobServices,
	appName: string,
	environment: string
): Promise< StoredImageMetadata | undefined > {
	const text = await services.objects.getObjectText(
		services.names.buckets.environment( environment ),
		appKeys.image( appName )
	);
	return text ? ( JSON.parse( text ) as StoredImageMetadata ) : undefined;
}

/** Re-scans the archive stored for an app and reports the new summary to WordPress. */
export function scanJob( services: JobServices ): JobDefinition {
	const located = ( job: JobRecord ) =>
		job.outputs.locate as StoredImageMetadata;
	return {
		kind: SCAN_JOB,
		failureEvent: 'scan-failed',
		steps: [
			{
				name: 'locate',
				async run( context ) {
					const { job } = context;
					const image = await findStoredImage(
						services,
						job.appName,
						job.environment
					);
					if ( ! image ) {
						throw new PermanentJobError(
							'image_not_found',
							`${ job.appName } has no stored image in ${ job.environment }; upload one first.`
						);
					}
					await context.emit( 'scan-requested', 'started', {
						configDigest: image.configDigest,
						archiveDigest: image.storage.digest,
					} );
					return {
						storage: image.storage,
						configDigest: image.configDigest,
					};
				},
			},
			{
				name: 'scan',
				async run( context ) {
					const { storage } = located( context.job );
					return scanStoredArchive( context, services, storage );
				},
			},
			{
				name: 'publish',
				async run( context ) {
					const scan = context.output< ScanRecord >( 'scan' );
					const started = await context.emit(
						'database-update-started',
						'started',
						{ scan }
					);
					const answer = await context.deliver( started );
					await context.emit( 'database-updated', 'succeeded', {
						postId: answer?.app?.id ?? null,
					} );
					return null;
				},
			},
			{
				name: 'finish',
				async run( context ) {
					await context.emit( 'scan-completed', 'succeeded', {
						status: context.output< ScanRecord >( 'scan' ).status,
					} );
					return null;
				},
			},
		],
	};
}
