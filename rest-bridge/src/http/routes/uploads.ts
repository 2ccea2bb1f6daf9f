import { randomUUID } from 'node:crypto';
import { ARCHIVE_FILENAME_PATTERN, LIMITS } from '@k8or-orbit/contract';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ObjectStore } from '../../adapters/object-store.js';
import type { BridgeConfig } from '../../config.js';
import type { JobQueue } from '../../job-model/job.js';
import { UPLOAD_JOB, type UploadJobInput } from '../../job-model/kinds.js';
import type { ResourceNames } from '../../resources.js';
import { uploadKeys } from '../../storage/keys.js';
import { environmentsHoldingVersion } from '../../storage/stored-image.js';
import { planParts } from '../../uploads/part-size.js';
import type { UploadSession, UploadSessions } from '../../uploads/sessions.js';
import { HttpError } from '../errors.js';
import {
	actor,
	appName,
	environmentName,
	policies,
	uuid,
	versionLabel,
} from '../schemas.js';

const MAX_DEPLOY_INPUTS_BYTES = LIMITS.deployInputs.bytes;

const filename = z
	.string()
	.min( 1 )
	.max( LIMITS.filenameLength )
	.regex( ARCHIVE_FILENAME_PATTERN, {
		error: `must be a plain file name ending in ${ LIMITS.archiveExtensions.join( ' or ' ) } (an uncompressed docker save or OCI archive)`,
	} );

const startBody = z.object( {
	appName,
	version: versionLabel,
	filename,
	size: z.number().int().positive(),
	actor,
} );

function completeBody( environments: string[] ) {
	return z.object( {
		parts: z
			.array(
				z.object( {
					partNumber: z
						.number()
						.int()
						.min( 1 )
						.max( LIMITS.uploadParts ),
					etag: z.string().min( 1 ).max( LIMITS.etagLength ),
				} )
			)
			.min( 1 )
			.max( LIMITS.uploadParts ),
		actor,
		policies,
		app: z.object( {
			name: appName,
			title: z.string().trim().min( 1 ).max( LIMITS.titleLength ),
			description: z
				.string()
				.max( LIMITS.descriptionLength )
				.default( '' ),
			category: z.string().max( LIMITS.categoryLength ).default( '' ),
			environment: environmentName( environments ),
			deployInputs: z.record( z.string(), z.unknown() ).default( {} ),
		} ),
	} );
}

/** Every part is partSize bytes but the last, which holds the rest. */
function partLength( upload: UploadSession, partNumber: number ): number {
	return partNumber < upload.partCount
		? upload.partSize
		: upload.size - ( upload.partCount - 1 ) * upload.partSize;
}

/** Who asks, as WordPress vouches in the signed query: the user, and whether an administrator. */
const askedBy = z.object( {
	actorId: z.coerce.number().int().min( 1 ),
	administrator: z.enum( [ '0', '1' ] ).default( '0' ),
} );

/** An upload belongs to the user who started it. */
function requireOwner(
	upload: UploadSession,
	actorId: number,
	what: string
): void {
	if ( upload.actor.id !== actorId ) {
		throw new HttpError(
			403,
			'orbit_upload_not_yours',
			`This upload was started by ${ upload.actor.login }; only they can ${ what } it (an administrator can cancel it).`
		);
	}
}

export interface UploadRouteOptions {
	config: BridgeConfig;
	names: ResourceNames;
	objects: ObjectStore;
	uploads: UploadSessions;
	jobs: JobQueue;
}

/** Multipart uploads: start, resume, complete (which submits the upload job), cancel. */
export const uploadRoutes: FastifyPluginAsync< UploadRouteOptions > = async (
	app,
	{ config, names, objects, uploads, jobs }
) => {
	const expiry = config.uploadUrlExpirySeconds;
	const completion = completeBody( config.environments );

	const presign = ( upload: UploadSession, partNumbers: number[] ) =>
		Promise.all(
			partNumbers.map( async ( partNumber ) => ( {
				partNumber,
				url: await objects.presignPart(
					upload.bucket,
					upload.key,
					upload.s3UploadId,
					partNumber,
					partLength( upload, partNumber ),
					expiry
				),
			} ) )
		);

	/** A label is unique per app: refused before any byte is sent, and again at completion. */
	const refuseExistingVersion = async ( name: string, version: string ) => {
		const holders = await environmentsHoldingVersion(
			{ objects, names, environments: config.environments },
			name,
			version
		);
		if ( holders.length > 0 ) {
			throw new HttpError(
				409,
				'orbit_version_exists',
				`${ name } already has a version ${ version } (in ${ holders.join(
					', '
				) }); give this upload a new version label.`
			);
		}
	};

	const loadUpload = async ( uploadId: string ) => {
		const upload = await uploads.get( uuid.parse( uploadId ) );
		if ( ! upload ) {
			throw new HttpError(
				404,
				'orbit_upload_not_found',
				`No upload ${ uploadId }; start a new one.`
			);
		}
		return upload;
	};

	app.post( '/v1/uploads', async ( request, reply ) => {
		const body = startBody.parse( request.body );
		if ( body.size > config.maxArchiveBytes ) {
			throw new HttpError(
				413,
				'orbit_archive_too_large',
				`The archive is ${ body.size } bytes; the largest accepted is ${ config.maxArchiveBytes } bytes.`
			);
		}
		await refuseExistingVersion( body.appName, body.version );
		const plan = planParts( body.size );
		const uploadId = randomUUID();
		const bucket = names.buckets.temporary;
		const key = uploadKeys.archive( uploadId );
		const s3UploadId = await objects.createMultipartUpload(
			bucket,
			key,
			'application/x-tar'
		);
		const upload: UploadSession = {
			uploadId,
			s3UploadId,
			bucket,
			key,
			appName: body.appName,
			version: body.version,
			filename: body.filename,
			size: body.size,
			...plan,
			actor: body.actor,
			status: 'open',
			createdAt: new Date().toISOString(),
		};
		await uploads.create( upload );
		const parts = await presign(
			upload,
			Array.from( { length: plan.partCount }, ( _, i ) => i + 1 )
		);
		return reply.code( 201 ).send( {
			uploadId,
			key,
			partSize: plan.partSize,
			partCount: plan.partCount,
			parts,
			expiresAt: new Date( Date.now() + expiry * 1000 ).toISOString(),
		} );
	} );

	app.get< { Params: { uploadId: string } } >(
		'/v1/uploads/:uploadId',
		async ( request ) => {
			const upload = await loadUpload( request.params.uploadId );
			requireOwner(
				upload,
				askedBy.parse( request.query ).actorId,
				'resume'
			);
			const listed =
				upload.status === 'open'
					? await objects.listParts(
							upload.bucket,
							upload.key,
							upload.s3UploadId
						)
					: [];
			const uploaded = listed ?? [];
			const have = new Set( uploaded.map( ( p ) => p.partNumber ) );
			const missing = Array.from(
				{ length: upload.partCount },
				( _, i ) => i + 1
			).filter( ( n ) => ! have.has( n ) );
			return {
				uploadId: upload.uploadId,
				version: upload.version,
				size: upload.size,
				partSize: upload.partSize,
				status: upload.status,
				jobId: upload.jobId ?? null,
				// False when the storage cannot list parts: then every part is offered again.
				partsListed: listed !== undefined,
				uploadedParts: uploaded,
				parts:
					upload.status === 'open'
						? await presign( upload, missing )
						: [],
			};
		}
	);

	app.post< { Params: { uploadId: string } } >(
		'/v1/uploads/:uploadId/complete',
		async ( request, reply ) => {
			const upload = await loadUpload( request.params.uploadId );
			const body = completion.parse( request.body );
			requireOwner( upload, body.actor.id, 'complete' );
			const [ firstEnvironment ] = config.environments;
			if ( body.app.environment !== firstEnvironment ) {
				throw new HttpError(
					400,
					'orbit_upload_first_environment_only',
					`An upload goes into the first environment only: ${ body.app.environment } was asked for, uploads go to ${ firstEnvironment }. Promote the app to later environments afterwards.`
				);
			}
			if ( body.app.name !== upload.appName ) {
				throw new HttpError(
					400,
					'orbit_app_mismatch',
					`This upload was started for ${ upload.appName }, not ${ body.app.name }.`
				);
			}
			if (
				JSON.stringify( body.app.deployInputs ).length >
				MAX_DEPLOY_INPUTS_BYTES
			) {
				throw new HttpError(
					413,
					'orbit_deploy_inputs_too_large',
					`Deploy inputs are limited to ${ MAX_DEPLOY_INPUTS_BYTES } bytes of JSON.`
				);
			}
			const numbers = body.parts
				.map( ( p ) => p.partNumber )
				.sort( ( a, b ) => a - b );
			const complete =
				numbers.length === upload.partCount &&
				numbers.every( ( n, i ) => n === i + 1 );
			if ( ! complete ) {
				throw new HttpError(
					400,
					'orbit_parts_incomplete',
					`Send every part 1…${ upload.partCount } once with the ETag S3 returned for it.`
				);
			}
			if ( upload.status === 'aborted' ) {
				throw new HttpError(
					409,
					'orbit_upload_aborted',
					'This upload was cancelled; start a new one.'
				);
			}
			// A repeated completion of a submitted upload returns its job instead.
			if ( ! upload.jobId ) {
				await refuseExistingVersion( upload.appName, upload.version );
			}
			// The first completion fixes the job id; a repeated request returns the same job.
			const current =
				( await uploads.claimCompletion(
					upload.uploadId,
					randomUUID()
				) ) ?? ( await loadUpload( upload.uploadId ) );
			if ( ! current.jobId ) {
				throw new HttpError(
					409,
					'orbit_upload_aborted',
					'This upload was cancelled; start a new one.'
				);
			}
			const input: UploadJobInput = {
				uploadId: upload.uploadId,
				s3UploadId: upload.s3UploadId,
				bucket: upload.bucket,
				key: upload.key,
				filename: upload.filename,
				size: upload.size,
				parts: body.parts,
				version: upload.version,
				app: body.app,
				policies: body.policies,
			};
			await jobs.submit( {
				jobId: current.jobId,
				kind: UPLOAD_JOB,
				appName: upload.appName,
				environment: body.app.environment,
				actor: body.actor,
				input: input as unknown as Record< string, unknown >,
			} );
			return reply.code( 202 ).send( { jobId: current.jobId } );
		}
	);

	app.delete< { Params: { uploadId: string } } >(
		'/v1/uploads/:uploadId',
		async ( request, reply ) => {
			const upload = await loadUpload( request.params.uploadId );
			const asker = askedBy.parse( request.query );
			if ( asker.administrator !== '1' ) {
				requireOwner( upload, asker.actorId, 'cancel' );
			}
			if ( ! ( await uploads.abort( upload.uploadId ) ) ) {
				throw new HttpError(
					409,
					'orbit_upload_completing',
					'This upload was already completed; its job decides what happens to the archive.'
				);
			}
			await objects.abortMultipartUpload(
				upload.bucket,
				upload.key,
				upload.s3UploadId
			);
			return reply.code( 204 ).send();
		}
	);
};
