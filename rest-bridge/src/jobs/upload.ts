import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageValidationError } from '../image/errors.js';
import { validateArchive, type ImageFacts } from '../image/validate-archive.js';
import type { JobRecord } from '../job-model/job.js';
import { UPLOAD_JOB, type UploadJobInput } from '../job-model/kinds.js';
import { appKeys } from '../storage/keys.js';
import { findStoredImage, saveStoredImage } from '../storage/stored-image.js';
import { CONTRACT } from '@k8or-orbit/contract';
import {
	contractSteps,
	type JobDefinition,
	type StepContext,
} from './definition.js';
import { PermanentJobError, storageFullError } from './errors.js';
import { imageTag, renderKustomization } from './kustomization.js';
import { scanStoredArchive, type ScanOutcome } from './scan-archive.js';
import type { JobServices } from '../job-model/services.js';
import {
	catalogImage,
	digestingPassThrough,
	storedImageMetadata,
	type StoredImage,
	type ValidatedImage,
} from './uploaded-image.js';

const input = ( job: JobRecord ) => job.input as unknown as UploadJobInput;

const STEP = contractSteps( UPLOAD_JOB );
// Event names as the contract gives them, step by step.
const [ INITIATED, RECEIVED ] = STEP.receive.events;
const [ TEMPORARY_STORED ] = STEP[ 'store-temporary' ].events;
const [ VALIDATION_STARTED, VALIDATED ] = STEP.validate.events;
const [ IMAGE_STORED ] = STEP[ 'store-image' ].events;
const [ USER_DATA_SAVED, METADATA_SAVED, USER_INPUT_SAVED ] =
	STEP[ 'save-metadata' ].events;
const [ KUSTOMIZATION_STARTED, KUSTOMIZATION_COMPLETED ] =
	STEP.kustomize.events;
const [ UPDATE_STARTED, UPDATED ] = STEP.publish.events;
const [ COMPLETED ] = STEP.finish.events;

/** Takes a completed multipart upload to a validated, scanned, stored and published image. */
export const uploadJob: JobDefinition = {
	kind: UPLOAD_JOB,
	failureEvent: CONTRACT.jobs.upload.failureEvent,
	steps: [
		{
			name: STEP.receive.name,
			emits: STEP.receive.events,
			checkpoints: null,
			run: receive,
		},
		{
			name: STEP[ 'store-temporary' ].name,
			emits: STEP[ 'store-temporary' ].events,
			checkpoints: 'the size of the assembled archive',
			run: storeTemporary,
		},
		{
			name: STEP.validate.name,
			emits: STEP.validate.events,
			checkpoints: 'the image facts, archive digest and size',
			run: validate,
		},
		{
			name: STEP.scan.name,
			emits: STEP.scan.events,
			checkpoints: 'the scan record',
			run: scanArchive,
		},
		{
			name: STEP[ 'store-image' ].name,
			emits: STEP[ 'store-image' ].events,
			checkpoints:
				"where the version's archive is stored in the environment",
			run: storeImage,
		},
		{
			name: STEP[ 'save-metadata' ].name,
			emits: STEP[ 'save-metadata' ].events,
			checkpoints: null,
			run: saveMetadata,
		},
		{
			name: STEP.kustomize.name,
			emits: STEP.kustomize.events,
			checkpoints: null,
			run: kustomize,
		},
		{
			name: STEP.publish.name,
			emits: STEP.publish.events,
			checkpoints: 'the WordPress post id',
			run: publish,
		},
		{
			name: STEP.finish.name,
			emits: STEP.finish.events,
			checkpoints: null,
			run: finish,
		},
	],
	cleanUp,
};

const environmentBucket = ( job: JobRecord, { names }: JobServices ) =>
	names.buckets.environment( job.environment );

async function receive( context: StepContext, { objects }: JobServices ) {
	const upload = input( context.job );
	await context.emit( INITIATED, 'started', {
		uploadId: upload.uploadId,
		filename: upload.filename,
		size: upload.size,
	} );
	// Completing twice fails once the upload is gone, so check the object first.
	if ( ! ( await objects.headObject( upload.bucket, upload.key ) ) ) {
		try {
			await objects.completeMultipartUpload(
				upload.bucket,
				upload.key,
				upload.s3UploadId,
				upload.parts
			);
		} catch ( error ) {
			const name = ( error as { name?: string } ).name ?? '';
			if ( /NoSuchUpload|InvalidPart|EntityTooSmall/.test( name ) ) {
				throw new PermanentJobError(
					'upload_incomplete',
					`The upload could not be assembled (${ name }): upload every part again and complete it with the ETags S3 returned.`
				);
			}
			throw storageFullError( error ) ?? error;
		}
	}
	await context.emit( RECEIVED, 'succeeded', {
		filename: upload.filename,
	} );
	return null;
}

async function storeTemporary(
	context: StepContext,
	{ objects, config }: JobServices
) {
	const upload = input( context.job );
	const head = await objects.headObject( upload.bucket, upload.key );
	if ( ! head ) {
		throw new PermanentJobError(
			'upload_missing',
			'The uploaded archive is no longer in temporary storage; upload it again.'
		);
	}
	if ( head.size > config.maxArchiveBytes ) {
		throw new PermanentJobError(
			'archive_too_large',
			`The archive is ${ head.size } bytes; the largest accepted is ${ config.maxArchiveBytes } bytes.`
		);
	}
	if ( head.size !== upload.size ) {
		throw new PermanentJobError(
			'size_mismatch',
			`The uploaded archive is ${ head.size } bytes but ${ upload.size } were declared; upload the file again.`
		);
	}
	await context.emit( TEMPORARY_STORED, 'succeeded', {
		bucket: upload.bucket,
		key: upload.key,
		size: head.size,
	} );
	return { size: head.size };
}

async function validate(
	context: StepContext,
	{ objects, config }: JobServices
): Promise< ValidatedImage > {
	const upload = input( context.job );
	await context.emit( VALIDATION_STARTED, 'started', {} );
	const counter = digestingPassThrough();
	const toValidator = new PassThrough();
	const source = await objects.getObjectStream( upload.bucket, upload.key );
	const copying = pipeline( source, counter.stream, toValidator );
	let facts: ImageFacts;
	try {
		[ facts ] = await Promise.all( [
			// Drain what the validator leaves unread so the hash covers every byte.
			validateArchive( toValidator, {
				maxTotalBytes: config.maxArchiveBytes,
			} ).finally( () => toValidator.resume() ),
			copying,
		] );
	} catch ( error ) {
		source.destroy();
		if ( error instanceof ImageValidationError ) {
			throw new PermanentJobError(
				error.code,
				`The archive is not a valid image (${ error.code }): ${ error.message }`
			);
		}
		throw error;
	}
	const { digest, bytes } = counter.result();
	await context.emit( VALIDATED, 'succeeded', {
		format: facts.format,
		configDigest: facts.configDigest,
		archiveDigest: digest,
		os: facts.os,
		architecture: facts.architecture,
		layers: facts.layers.length,
		exposedPorts: facts.exposedPorts,
	} );
	return { facts, archiveDigest: digest, size: bytes };
}

async function scanArchive( context: StepContext, services: JobServices ) {
	const upload = input( context.job );
	return scanStoredArchive(
		context,
		services,
		{ bucket: upload.bucket, key: upload.key },
		upload.policies ?? {},
		{ version: upload.version, current: true }
	);
}

async function storeImage(
	context: StepContext,
	services: JobServices
): Promise< StoredImage > {
	const { objects } = services;
	const { job } = context;
	const upload = input( job );
	const validated = context.output< ValidatedImage >( 'validate' );
	const bucket = environmentBucket( job, services );
	// Checked when the upload started and completed; checked again here because
	// another upload of the same label may have finished in between.
	const existing = await findStoredImage(
		services,
		upload.app.name,
		job.environment,
		upload.version
	);
	if ( existing && existing.jobId !== job.jobId ) {
		throw new PermanentJobError(
			'version_exists',
			`${ upload.app.name } already has a version ${ upload.version }; upload again under a new version label.`
		);
	}
	// Each version has its own key: an older version's archive is never overwritten.
	const key = appKeys.versionArchive( upload.app.name, upload.version );
	await objects
		.copyObject( upload.bucket, upload.key, bucket, key )
		.catch( ( error: unknown ) => {
			throw storageFullError( error ) ?? error;
		} );
	const stored = {
		bucket,
		key,
		digest: validated.archiveDigest,
	};
	await context.emit( IMAGE_STORED, 'succeeded', {
		...stored,
		version: upload.version,
	} );
	return stored;
}

async function saveMetadata( context: StepContext, services: JobServices ) {
	const { objects } = services;
	const { job } = context;
	const { app, version } = input( job );
	const bucket = environmentBucket( job, services );
	const validated = context.output< ValidatedImage >( 'validate' );
	const stored = context.output< StoredImage >( 'store-image' );
	const json = ( value: unknown ) => JSON.stringify( value, null, 2 );
	await objects.putObject(
		bucket,
		appKeys.user( app.name ),
		json( {
			title: app.title,
			description: app.description,
			category: app.category,
			actor: job.actor,
		} ),
		'application/json'
	);
	await context.emit( USER_DATA_SAVED, 'succeeded', {
		title: app.title,
	} );
	// The newest upload is the app's current image, whichever job finishes first.
	const newest = await findStoredImage( services, app.name, job.environment );
	await saveStoredImage(
		services,
		app.name,
		job.environment,
		{
			...storedImageMetadata( validated, stored, job ),
			version,
			scan: context.output< ScanOutcome >( 'scan' ).scan,
			jobId: job.jobId,
		},
		{ current: ( newest?.uploadedAt ?? '' ) <= job.createdAt }
	);
	await context.emit( METADATA_SAVED, 'succeeded', {
		configDigest: validated.facts.configDigest,
	} );
	await objects.putObject(
		bucket,
		appKeys.deployInputs( app.name ),
		json( app.deployInputs ),
		'application/json'
	);
	await context.emit( USER_INPUT_SAVED, 'succeeded', {} );
	return null;
}

async function kustomize( context: StepContext, services: JobServices ) {
	const { objects } = services;
	const { job } = context;
	const { app } = input( job );
	await context.emit( KUSTOMIZATION_STARTED, 'started', {} );
	const validated = context.output< ValidatedImage >( 'validate' );
	const files = renderKustomization(
		app,
		validated.facts,
		imageTag( validated.facts.configDigest )
	);
	for ( const [ file, text ] of Object.entries( files ) ) {
		await objects.putObject(
			environmentBucket( job, services ),
			appKeys.kustomization( app.name, file ),
			text,
			'application/yaml'
		);
	}
	await context.emit( KUSTOMIZATION_COMPLETED, 'succeeded', {
		files: Object.keys( files ),
	} );
	return null;
}

async function publish( context: StepContext ) {
	const { job } = context;
	const { app, version } = input( job );
	const validated = context.output< ValidatedImage >( 'validate' );
	const { scan, verdicts } = context.output< ScanOutcome >( 'scan' );
	const started = await context.emit( UPDATE_STARTED, 'started', {
		app: {
			name: app.name,
			title: app.title,
			description: app.description,
			category: app.category,
			deployInputs: app.deployInputs,
			version,
			image: { ...catalogImage( validated, job ), version },
			scan,
			verdicts,
			// Stored in the environment's bucket, not deployed there.
			environments: { [ job.environment ]: { status: 'none' } },
		},
	} );
	const answer = await context.deliver( started );
	if ( ! answer?.app ) {
		throw new Error(
			'WordPress accepted the app event but did not name the post'
		);
	}
	await context.emit( UPDATED, 'succeeded', {
		postId: answer.app.id,
		appName: answer.app.name,
	} );
	return { postId: answer.app.id };
}

async function finish( context: StepContext, { objects }: JobServices ) {
	const upload = input( context.job );
	await objects.deleteObject( upload.bucket, upload.key );
	await context.emit( COMPLETED, 'succeeded', {
		version: upload.version,
		archiveDigest:
			context.output< ValidatedImage >( 'validate' ).archiveDigest,
	} );
	return null;
}

async function cleanUp( job: JobRecord, { objects }: JobServices ) {
	const upload = input( job );
	await objects.abortMultipartUpload(
		upload.bucket,
		upload.key,
		upload.s3UploadId
	);
	await objects.deleteObject( upload.bucket, upload.key );
}
