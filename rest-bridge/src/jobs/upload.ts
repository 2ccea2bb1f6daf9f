import { createHash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageValidationError } from '../image/errors.js';
import { validateArchive, type ImageFacts } from '../image/validate-archive.js';
import type { JobDefinition, JobRecord, StepContext } from './engine.js';
import { PermanentJobError } from './errors.js';
import {
	imageTag,
	renderKustomization,
	type AppDescription,
} from './kustomization.js';
import { scanStoredArchive, type ScanRecord } from './scan-archive.js';
import { appKeys, type JobServices } from './services.js';

export const UPLOAD_JOB = 'upload';

export interface UploadJobInput {
	uploadId: string;
	s3UploadId: string;
	bucket: string;
	key: string;
	filename: string;
	size: number;
	parts: { partNumber: number; etag: string }[];
	app: AppDescription;
}

interface ValidatedImage {
	facts: ImageFacts;
	archiveDigest: string;
	size: number;
}

interface StoredImage {
	bucket: string;
	key: string;
	digest: string;
}

const input = ( job: JobRecord ) => job.input as unknown as UploadJobInput;

/** Counts the bytes and hashes them on their way to the validator. */
function digestingPassThrough() {
	const hash = createHash( 'sha256' );
	let bytes = 0;
	const stream = new Transform( {
		transform( chunk: Buffer, _encoding, callback ) {
			hash.update( chunk );
			bytes += chunk.length;
			callback( null, chunk );
		},
	} );
	return {
		stream,
		result: () => ( { digest: `sha256:${ hash.digest( 'hex' ) }`, bytes } ),
	};
}

/** The image facts WordPress keeps on the post (`k8or_orbit_image`). */
function imageSummary( validated: ValidatedImage, stored: StoredImage ) {
	const { facts } = validated;
	return {
		format: facts.format,
		configDigest: facts.configDigest,
		manifestDigest: facts.manifestDigest,
		archiveDigest: validated.archiveDigest,
		archiveSize: validated.size,
		repoTags: facts.repoTags,
		os: facts.os,
		architecture: facts.architecture,
		exposedPorts: facts.exposedPorts,
		entrypoint: facts.entrypoint,
		cmd: facts.cmd,
		env: facts.env,
		labels: facts.labels,
		layers: facts.layers.length,
		totalSize: facts.totalSize,
		storage: stored,
	};
}

export function uploadJob( services: JobServices ): JobDefinition {
	const { objects, names, config } = services;
	const environmentBucket = ( job: JobRecord ) =>
		names.buckets.environment( job.environment );

	return {
		kind: UPLOAD_JOB,
		failureEvent: 'upload-failed',
		steps: [
			{
				name: 'receive',
				async run( context: StepContext ) {
					const upload = input( context.job );
					await context.emit( 'upload-initiated', 'started', {
						uploadId: upload.uploadId,
						filename: upload.filename,
						size: upload.size,
					} );
					// Completing twice fails once the upload is gone, so check the object first.
					if (
						! ( await objects.headObject(
							upload.bucket,
							upload.key
						) )
					) {
						try {
							await objects.completeMultipartUpload(
								upload.bucket,
								upload.key,
								upload.s3UploadId,
								upload.parts
							);
						} catch ( error ) {
							const name =
								( error as { name?: string } ).name ?? '';
							if (
								/NoSuchUpload|InvalidPart|EntityTooSmall/.test(
									name
								)
							) {
								throw new PermanentJobError(
									'upload_incomplete',
									`The upload could not be assembled (${ name }): upload every part again and complete it with the ETags S3 returned.`
								);
							}
							throw error;
						}
					}
					await context.emit( 'image-received', 'succeeded', {
						filename: upload.filename,
					} );
					return null;
				},
			},
			{
				name: 'store-temporary',
				async run( context ) {
					const upload = input( context.job );
					const head = await objects.headObject(
						upload.bucket,
						upload.key
					);
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
				},
			},
			{
				name: 'validate',
				async run( context ): Promise< ValidatedImage > {
					const upload = input( context.job );
					await context.emit(
						'image-validation-started',
						'started',
						{}
					);
					const counter = digestingPassThrough();
					const toValidator = new PassThrough();
					const source = await objects.getObjectStream(
						upload.bucket,
						upload.key
					);
					const copying = pipeline(
						source,
						counter.stream,
						toValidator
					);
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
				},
			},
			{
				name: 'scan',
				async run( context ) {
					const upload = input( context.job );
					return scanStoredArchive( context, services, {
						bucket: upload.bucket,
						key: upload.key,
					} );
				},
			},
			{
				name: 'store-image',
				async run( context ): Promise< StoredImage > {
					const upload = input( context.job );
					const validated =
						context.output< ValidatedImage >( 'validate' );
					const bucket = environmentBucket( context.job );
					const key = appKeys.archive( validated.archiveDigest );
					const existing = await objects.headObject( bucket, key );
					// Content-addressed: an object of the right size under the digest is this archive.
					if ( existing?.size !== validated.size ) {
						await objects.copyObject(
							upload.bucket,
							upload.key,
							bucket,
							key
						);
					}
					const stored = {
						bucket,
						key,
						digest: validated.archiveDigest,
					};
					await context.emit( 'image-stored', 'succeeded', stored );
					return stored;
				},
			},
			{
				name: 'save-metadata',
				async run( context ) {
					const { job } = context;
					const { app } = input( job );
					const bucket = environmentBucket( job );
					const validated =
						context.output< ValidatedImage >( 'validate' );
					const stored =
						context.output< StoredImage >( 'store-image' );
					const json = ( value: unknown ) =>
						JSON.stringify( value, null, 2 );
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
					await objects.putObject(
						bucket,
						appKeys.image( app.name ),
						json( {
							...imageSummary( validated, stored ),
							scan: context.output< ScanRecord >( 'scan' ),
							jobId: job.jobId,
						} ),
						'application/json'
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
				},
			},
			{
				name: 'kustomize',
				async run( context ) {
					const { job } = context;
					const { app } = input( job );
					await context.emit(
						'kustomization-started',
						'started',
						{}
					);
					const validated =
						context.output< ValidatedImage >( 'validate' );
					const files = renderKustomization(
						app,
						validated.facts,
						imageTag( validated.facts.configDigest )
					);
					for ( const [ file, text ] of Object.entries( files ) ) {
						await objects.putObject(
							environmentBucket( job ),
							appKeys.kustomization( app.name, file ),
							text,
							'application/yaml'
						);
					}
					await context.emit(
						'kustomization-completed',
						'succeeded',
						{
							files: Object.keys( files ),
						}
					);
					return null;
				},
			},
			{
				name: 'publish',
				async run( context ) {
					const { job } = context;
					const { app } = input( job );
					const validated =
						context.output< ValidatedImage >( 'validate' );
					const stored =
						context.output< StoredImage >( 'store-image' );
					const scan = context.output< ScanRecord >( 'scan' );
					const started = await context.emit(
						'database-update-started',
						'started',
						{
							app: {
								name: app.name,
								title: app.title,
								description: app.description,
								category: app.category,
								deployInputs: app.deployInputs,
								image: imageSummary( validated, stored ),
								scan,
								environments: {
									[ job.environment ]: {
										status: 'uploaded',
										archiveDigest: validated.archiveDigest,
										configDigest:
											validated.facts.configDigest,
										updatedAt: new Date().toISOString(),
									},
								},
							},
						}
					);
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
				},
			},
			{
				name: 'finish',
				async run( context ) {
					const upload = input( context.job );
					await objects.deleteObject( upload.bucket, upload.key );
					await context.emit( 'upload-completed', 'succeeded', {
						archiveDigest:
							context.output< ValidatedImage >( 'validate' )
								.archiveDigest,
					} );
					return null;
				},
			},
		],
		async cleanUp( job ) {
			const upload = input( job );
			await objects.abortMultipartUpload(
				upload.bucket,
				upload.key,
				upload.s3UploadId
			);
			await objects.deleteObject( upload.bucket, upload.key );
		},
	};
}
