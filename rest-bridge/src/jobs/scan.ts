import type { Policies } from '@k8or-orbit/contract';
import type { JobRecord } from '../job-model/job.js';
import { SCAN_JOB } from '../job-model/kinds.js';
import {
	findStoredImage,
	type StoredImageMetadata,
} from '../storage/stored-image.js';
import type { JobDefinition, StepContext } from './definition.js';
import { PermanentJobError } from './errors.js';
import { scanStoredArchive, type ScanOutcome } from './scan-archive.js';
import type { JobServices } from './services.js';

/** Re-scans the archive stored for an app and reports the new summary to WordPress. */
export const scanJob: JobDefinition = {
	kind: SCAN_JOB,
	failureEvent: 'scan-failed',
	steps: [
		{
			name: 'locate',
			emits: [ 'scan-requested' ],
			checkpoints: 'where the stored archive is, and its config digest',
			run: locate,
		},
		{
			name: 'scan',
			emits: [ 'image-scan-started', 'image-scanned' ],
			checkpoints: 'the scan record',
			run: scan,
		},
		{
			name: 'publish',
			emits: [ 'database-update-started', 'database-updated' ],
			checkpoints: null,
			run: publish,
		},
		{
			name: 'finish',
			emits: [ 'scan-completed' ],
			checkpoints: null,
			run: finish,
		},
	],
};

const located = ( job: JobRecord ) => job.outputs.locate as StoredImageMetadata;

async function locate( context: StepContext, services: JobServices ) {
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
}

async function scan( context: StepContext, services: JobServices ) {
	const { storage } = located( context.job );
	const { policies } = context.job.input as { policies?: Policies };
	return scanStoredArchive( context, services, storage, policies ?? {} );
}

async function publish( context: StepContext ) {
	const { scan: scanned, verdicts } = context.output< ScanOutcome >( 'scan' );
	const started = await context.emit( 'database-update-started', 'started', {
		scan: scanned,
		verdicts,
	} );
	const answer = await context.deliver( started );
	await context.emit( 'database-updated', 'succeeded', {
		postId: answer?.app?.id ?? null,
	} );
	return null;
}

async function finish( context: StepContext ) {
	await context.emit( 'scan-completed', 'succeeded', {
		status: context.output< ScanOutcome >( 'scan' ).scan.status,
	} );
	return null;
}
