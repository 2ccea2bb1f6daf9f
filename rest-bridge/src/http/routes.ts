import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DocumentStore } from '../adapters/dynamo.js';
import type { ObjectStore } from '../adapters/s3.js';
import type { BridgeConfig } from '../config.js';
import type { EventLog } from '../events/log.js';
import type { JobEngine, JobRecord } from '../jobs/engine.js';
import { findStoredImage, SCAN_JOB } from '../jobs/scan.js';
import { reportKeys, type JobServices } from '../jobs/services.js';
import { UPLOAD_JOB, type UploadJobInput } from '../jobs/upload.js';
import type { ResourceNames } from '../resources.js';
import { planParts } from '../uploads/part-size.js';
import { HttpError } from './errors.js';

export const BRIDGE_VERSION = '0.1.0';

const appName = z.string().regex( /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
	error: 'must be a DNS-1123 label: lower-case letters, digits and hyphens, at most 63 characters',
} );
const actor = z.object( {
	id: z.number().int().min( 0 ),
	login: z.string().min( 1 ).max( 60 ),
} );
const filename = z
	.string()
	.min( 1 )
	.max( 255 )
	.regex( /^[^/\\\x00-\x1f]+$/, {
		error: 'must be a plain file name without slashes or control characters',
	} );
const uuid = z.uuid( { error: 'must be an id this API handed out' } );

const MAX_DEPLOY_INPUTS_BYTES = 64 * 1024;

interface RouteOptions {
	config: BridgeConfig;
	names: ResourceNames;
	objects: ObjectStore;
	store: DocumentStore;
	events: EventLog;
	engine: JobEngine;
	services: JobServices;
}

interface UploadRecord {
	uploadId: string;
	s3UploadId: string;
	bucket: string;
	key: string;
	appName: string;
	filename: string;
	size: number;
	partSize: number;
	partCount: number;
	actor: { id: number; login: string };
	status: 'open' | 'completing' | 'aborted';
	jobId?: string;
	createdAt: string;
}

export function registerRoutes( app: FastifyInstance, options: RouteOptions ) {
	const { config, names, objects, store, events, engine } = options;
	const environment = z.enum(
		config.environments as [ string, ...string[] ],
		{
			error: `must be one of ${ config.environments.join( ', ' ) }`,
		}
	);
	const expiry = config.uploadUrlExpirySeconds;

	const presign = ( upload: UploadRecord, partNumbers: number[] ) =>
		Promise.all(
			partNumbers.map( async ( partNumber ) => ( {
				partNumber,
				url: await objects.presignPart(
					upload.bucket,
					upload.key,
					upload.s3UploadId,
					partNumber,
					expiry
				),
			} ) )
		);

	const loadUpload = async ( uploadId: string ) => {
		const upload = ( await store.get( names.tables.uploads, {
			uploadId: uuid.parse( uploadId ),
		} ) ) as UploadRecord | undefined;
		if ( ! upload ) {
			throw new HttpError(
				404,
				'orbit_upload_not_found',
				`No upload ${ uploadId }; start a new one.`
			);
		}
		return upload;
	};

	const loadJob = async ( jobId: string ) => {
		const job = await engine.get( uuid.parse( jobId ) );
		if ( ! job ) {
			throw new HttpError(
				404,
				'orbit_job_not_found',
				`No job ${ jobId }.`
			);
		}
		return job;
	};

	const pageQuery = z.object( {
		limit: z.coerce.number().int().min( 1 ).max( 100 ).default( 25 ),
		cursor: z.string().max( 2048 ).optional(),
	} );

	app.get( '/v1/ping', async () => ( {
		ok: true,
		version: BRIDGE_VERSION,
		time: new Date().toISOString(),
	} ) );

	app.post( '/v1/uploads', async ( request, reply ) => {
		const body = z
			.object( {
				appName,
				filename,
				size: z.number().int().positive(),
				actor,
			} )
			.parse( request.body );
		if ( body.size > config.maxArchiveBytes ) {
			throw new HttpError(
				413,
				'orbit_archive_too_large',
				`The archive is ${ body.size } bytes; the largest accepted is ${ config.maxArchiveBytes } bytes.`
			);
		}
		const plan = planParts( body.size );
		const uploadId = randomUUID();
		const bucket = names.buckets.temporary;
		const key = `uploads/${ uploadId }/image.tar`;
		const s3UploadId = await objects.createMultipartUpload(
			bucket,
			key,
			'application/x-tar'
		);
		const upload: UploadRecord = {
			uploadId,
			s3UploadId,
			bucket,
			key,
			appName: body.appName,
			filename: body.filename,
			size: body.size,
			...plan,
			actor: body.actor,
			status: 'open',
			createdAt: new Date().toISOString(),
		};
		await store.put( names.tables.uploads, { ...upload } );
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
			const body = z
				.object( {
					parts: z
						.array(
							z.object( {
								partNumber: z
									.number()
									.int()
									.min( 1 )
									.max( 10_000 ),
								etag: z.string().min( 1 ).max( 200 ),
							} )
						)
						.min( 1 )
						.max( 10_000 ),
					actor,
					app: z.object( {
						name: appName,
						title: z.string().trim().min( 1 ).max( 200 ),
						description: z.string().max( 20_000 ).default( '' ),
						category: z.string().max( 100 ).default( '' ),
						environment,
						deployInputs: z
							.record( z.string(), z.unknown() )
							.default( {} ),
					} ),
				} )
				.parse( request.body );
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
			// The first completion fixes the job id; a repeated request returns the same job.
			const claimed = await store.update(
				names.tables.uploads,
				{ uploadId: upload.uploadId },
				{
					update: 'SET jobId = :job, #status = :completing',
					condition:
						'attribute_not_exists(jobId) AND #status = :open',
					names: { '#status': 'status' },
					values: {
						':job': randomUUID(),
						':completing': 'completing',
						':open': 'open',
					},
				}
			);
			const current = ( claimed ??
				( await loadUpload( upload.uploadId ) ) ) as UploadRecord;
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
				app: body.app,
			};
			await engine.submit( {
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
			const aborted = await store.update(
				names.tables.uploads,
				{ uploadId: upload.uploadId },
				{
					update: 'SET #status = :aborted',
					condition: 'attribute_not_exists(jobId)',
					names: { '#status': 'status' },
					values: { ':aborted': 'aborted' },
				}
			);
			if ( ! aborted ) {
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

	app.post< { Params: { appName: string } } >(
		'/v1/apps/:appName/scan',
		async ( request, reply ) => {
			const name = appName.parse( request.params.appName );
			const body = z
				.object( { actor, environment } )
				.parse( request.body );
			if (
				! ( await findStoredImage(
					options.services,
					name,
					body.environment
				) )
			) {
				throw new HttpError(
					404,
					'orbit_image_not_found',
					`${ name } has no stored image in ${ body.environment }; upload one first.`
				);
			}
			const key = request.headers[ 'idempotency-key' ];
			const jobId =
				typeof key === 'string' && key.length > 0 && key.length <= 200
					? idFromKey(
							`${ SCAN_JOB }:${ name }:${ body.environment }:${ key }`
						)
					: randomUUID();
			await engine.submit( {
				jobId,
				kind: SCAN_JOB,
				appName: name,
				environment: body.environment,
				actor: body.actor,
				input: {},
			} );
			return reply.code( 202 ).send( { jobId } );
		}
	);

	app.get< {
		Params: { appName: string };
		Querystring: { environment?: string };
	} >( '/v1/apps/:appName/scan', async ( request ) => {
		const name = appName.parse( request.params.appName );
		const env = environment.parse(
			request.query.environment ?? config.environments[ 0 ]
		);
		const text = await objects.getObjectText(
			names.buckets.reports,
			reportKeys.latest( name, env )
		);
		if ( ! text ) {
			throw new HttpError(
				404,
				'orbit_scan_not_found',
				`${ name } has no scan in ${ env } yet.`
			);
		}
		const { findings = [], ...summary } = JSON.parse( text ) as {
			findings?: unknown[];
		};
		return { summary, findings };
	} );

	app.get< { Params: { jobId: string } } >(
		'/v1/jobs/:jobId',
		async ( request ) =>
			describeJob( await loadJob( request.params.jobId ) )
	);

	app.get< { Params: { jobId: string } } >(
		'/v1/jobs/:jobId/events',
		async ( request ) => {
			const job = await loadJob( request.params.jobId );
			const page = pageQuery.parse( request.query );
			return events.forJob( job.jobId, page.limit, page.cursor );
		}
	);

	app.get< { Params: { appName: string } } >(
		'/v1/apps/:appName/events',
		async ( request ) => {
			const page = pageQuery.parse( request.query );
			return events.forApp(
				appName.parse( request.params.appName ),
				page.limit,
				page.cursor
			);
		}
	);
}

function describeJob( job: JobRecord ) {
	return {
		jobId: job.jobId,
		kind: job.kind,
		appName: job.appName,
		environment: job.environment,
		status: job.status,
		steps: job.stepNames.map( ( name ) => ( {
			name,
			status: job.steps[ name ]?.status ?? 'pending',
			runs: job.steps[ name ]?.runs ?? 0,
		} ) ),
		...( job.error ? { error: job.error } : {} ),
		createdAt: job.createdAt,
		updatedAt: job.updatedAt,
	};
}

/** A stable UUID-shaped id for an idempotency key. */
function idFromKey( key: string ): string {
	const hex = createHash( 'sha256' ).update( key ).digest( 'hex' );
	return `${ hex.slice( 0, 8 ) }-${ hex.slice( 8, 12 ) }-5${ hex.slice( 13, 16 ) }-a${ hex.slice(
		17,
		20
	) }-${ hex.slice( 20, 32 ) }`;
}
