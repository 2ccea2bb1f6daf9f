import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageValidationError } from '../image/errors.js';
import { validateArchive, type ImageFacts } from '../image/validate-archive.js';
import type { JobRecord } from '../job-model/job.js';
import { UPLOAD_JOB, type UploadJobInput } from '../job-model/kinds.js';
import { appKeys } from '../storage/keys.js';
import { findStoredImage, saveStoredImage } from '../storage/stored-image.js';
import type { JobDefinition, StepContext } from './definition.js';
import { PermanentJobError, storageFullError } from './errors.js';
import { imageTag, renderKustomization } from './kustomization.js';
import { scanStoredArchive, type ScanOutcome } from './scan-archive.js';
import type { JobServices } from './services.js';
import {
	catalogImage,
	digestingPassThrough,
	storedImageMetadata,
	type StoredImage,
	type ValidatedImage,
} from './uploaded-image.js';

const input = ( job: JobRecord ) => job.input as unknown as UploadJobInput;

/** Takes a completed multipart upload to a validated, scanned, stored and published image. */
export const uploadJob: JobDefinition = {
	kind: UPLOAD_JOB,
	failureEvent: 'upload-failed',
	steps: [
		{
			name: 'receive',
			emits: [ 'upload-initiated', 'image-received' ],
			checkpoints: null,
			run: receive,
		},
		{
			name: 'store-temporary',
			emits: [ 'temporary-image-stored' ],
			checkpoints: 'the size of the assembled archive',
			run: storeTemporary,
		},
		{
			name: 'validate',
			emits: [ 'image-validation-started', 'image-validated' ],
			checkpoints: 'the image facts, archive digest and size',
			run: validate,
		},
		{
			name: 'scan',
			emits: [ 'image-scan-started', 'image-scanned' ],
			checkpoints: 'the scan record',
			run: scanArchive,
		},
		{
			name: 'store-image',
			emits: [ 'image-stored' ],
			checkpoints:
				"where the version's archive is stored in the environment",
			run: storeImage,
		},
		{
			name: 'save-metadata',
			emits: [
				'user-data-saved',
				'image-metadata-saved',
				'user-input-saved',
			],
			checkpoints: null,
			run: saveMetadata,
		},
		{
			name: 'kustomize',
			emits: [ 'kustomization-started', 'kustomization-completed' ],
			checkpoints: null,
			run: kustomize,
		},
		{
			name: 'publish',
			emits: [ 'database-update-started', 'database-updated' ],
			checkpoints: 'the WordPress post id',
			run: publish,
		},
		{
			name: 'finish',
			emits: [ 'upload-completed' ],
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
	await context.emit( 'upload-initiated', 'started', {
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
	await context.emit( 'image-received', 'succeeded', {
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
	await context.emit( 'temporary-image-stored', 'succeeded', {
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
	await context.emit( 'image-validation-started', 'started', {} );
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
	await context.emit( 'image-validated', 'succeeded', {
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
	await context.emit( 'image-stored', 'succeeded', {
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
	await context.emit( 'user-data-saved', 'succeeded', {
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
	await context.emit( 'image-metadata-saved', 'succeeded', {
		configDigest: validated.facts.configDigest,
	} );
	await objects.putObject(
		bucket,
		appKeys.deployInputs( app.name ),
		json( app.deployInputs ),
		'application/json'
	);
	await context.emit( 'user-input-saved', 'succeeded', {} );
	return null;
}

async function kustomize( context: StepContext, services: JobServices ) {
	const { objects } = services;
	const { job } = context;
	const { app } = input( job );
	await context.emit( 'kustomization-started', 'started', {} );
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
	await context.emit( 'kustomization-completed', 'succeeded', {
		files: Object.keys( files ),
	} );
	return null;
}

async function publish( context: StepContext ) {
	const { job } = context;
	const { app, version } = input( job );
	const validated = context.output< ValidatedImage >( 'validate' );
	const { scan, verdicts } = context.output< ScanOutcome >( 'scan' );
	const started = await context.emit( 'database-update-started', 'started', {
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
	await context.emit( 'database-updated', 'succeeded', {
		postId: answer.app.id,
		appName: answer.app.name,
	} );
	return { postId: answer.app.id };
}

async function finish( context: StepContext, { objects }: JobServices ) {
	const upload = input( context.job );
	await objects.deleteObject( upload.bucket, upload.key );
	await context.emit( 'upload-completed', 'succeeded', {
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
