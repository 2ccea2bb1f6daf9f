import type { JobRecord } from '../job-model/job.js';
import { SCAN_JOB, type ScanJobInput } from '../job-model/kinds.js';
import {
	findStoredImage,
	saveStoredImage,
	type StoredImageMetadata,
} from '../storage/stored-image.js';
import { CONTRACT } from '@k8or-orbit/contract';
import {
	contractSteps,
	type JobDefinition,
	type StepContext,
} from './definition.js';
import { PermanentJobError } from './errors.js';
import { scanStoredArchive, type ScanOutcome } from './scan-archive.js';
import type { JobServices } from '../job-model/services.js';

const STEP = contractSteps( SCAN_JOB );
// Event names as the contract gives them, step by step.
const [ REQUESTED ] = STEP.locate.events;
const [ UPDATE_STARTED, UPDATED ] = STEP.publish.events;
const [ COMPLETED ] = STEP.finish.events;

/**
 * Re-scans one stored version of an app (the newest unless the job names
 * one) and reports the new summary to WordPress.
 */
export const scanJob: JobDefinition = {
	kind: SCAN_JOB,
	failureEvent: CONTRACT.jobs.scan.failureEvent,
	steps: [
		{
			name: STEP.locate.name,
			emits: STEP.locate.events,
			checkpoints:
				"the version, where its archive is, its config digest and whether it is the app's current image",
			run: locate,
		},
		{
			name: STEP.scan.name,
			emits: STEP.scan.events,
			checkpoints: 'the scan record (also saved with the version)',
			run: scan,
		},
		{
			name: STEP.publish.name,
			emits: STEP.publish.events,
			checkpoints: null,
			run: publish,
		},
		{
			name: STEP.finish.name,
			emits: STEP.finish.events,
			checkpoints: null,
			run: finish,
		},
	],
};

interface LocatedVersion {
	version?: string;
	current: boolean;
	storage: StoredImageMetadata[ 'storage' ];
	configDigest: string;
}

const located = ( job: JobRecord ) => job.outputs.locate as LocatedVersion;

async function locate(
	context: StepContext,
	services: JobServices
): Promise< LocatedVersion > {
	const { job } = context;
	const { version } = job.input as ScanJobInput;
	const newest = await findStoredImage(
		services,
		job.appName,
		job.environment
	);
	const image =
		version === undefined || version === newest?.version
			? newest
			: await findStoredImage(
					services,
					job.appName,
					job.environment,
					version
				);
	if ( ! image ) {
		throw new PermanentJobError(
			'image_not_found',
			version === undefined
				? `${ job.appName } has no stored image in ${ job.environment }; upload one first.`
				: `${ job.appName } has no version ${ version } in ${ job.environment }; pick one the versions list shows.`
		);
	}
	await context.emit( REQUESTED, 'started', {
		version: image.version,
		configDigest: image.configDigest,
		archiveDigest: image.storage.digest,
	} );
	return {
		version: image.version,
		current: image === newest,
		storage: image.storage,
		configDigest: image.configDigest,
	};
}

async function scan( context: StepContext, services: JobServices ) {
	const { job } = context;
	const { version, current, storage } = located( job );
	const { policies } = job.input as ScanJobInput;
	const outcome = await scanStoredArchive(
		context,
		services,
		storage,
		policies ?? {},
		{ version, current }
	);
	// The version keeps its latest scan with its facts, for whoever reads it by (app, version).
	const image =
		version === undefined
			? undefined
			: await findStoredImage(
					services,
					job.appName,
					job.environment,
					version
				);
	if ( image && version !== undefined ) {
		await saveStoredImage(
			services,
			job.appName,
			job.environment,
			{ ...image, version, scan: { ...outcome.scan } },
			{ current }
		);
	}
	return outcome;
}

async function publish( context: StepContext ) {
	const { scan: scanned, verdicts } = context.output< ScanOutcome >( 'scan' );
	const { version, current } = located( context.job );
	const started = await context.emit( UPDATE_STARTED, 'started', {
		scan: scanned,
		// The verdicts are the app's current image's; an older version's scan leaves them alone.
		...( current ? { verdicts } : {} ),
		...( version === undefined ? {} : { version } ),
	} );
	const answer = await context.deliver( started );
	await context.emit( UPDATED, 'succeeded', {
		postId: answer?.app?.id ?? null,
	} );
	return null;
}

async function finish( context: StepContext ) {
	await context.emit( COMPLETED, 'succeeded', {
		version: located( context.job ).version,
		status: context.output< ScanOutcome >( 'scan' ).scan.status,
	} );
	return null;
}
