import type { ObjectStore } from '../adapters/object-store.js';
import type { JobQueue } from '../job-model/job.js';
import type { Logger } from '../jobs/logger.js';
import type { UploadSession, UploadSessions } from './sessions.js';

export interface UploadSweepDeps {
	uploads: Pick< UploadSessions, 'listCreatedBefore' | 'remove' >;
	objects: Pick< ObjectStore, 'abortMultipartUpload' >;
	jobs: Pick< JobQueue, 'get' >;
}

export interface SweepResult {
	/** Open uploads nobody completed: their multipart upload aborted, their record removed. */
	abandoned: string[];
	/** Records of cancelled uploads and of uploads whose job has finished, removed. */
	removed: string[];
}

/** Items read per page of the uploads table, and pages per sweep: a sweep stays bounded. */
const PAGE = 100;
const MAX_PAGES = 100;

/**
 * Removes what uploads leave behind once they are older than the cutoff: an upload still open
 * (the browser went away) has its multipart upload aborted, so S3 frees its parts, and its record
 * removed; a cancelled one, or one whose job has finished, just its record. An upload whose job
 * still runs is left alone (the job aborts or completes it). Safe to run on several replicas at
 * once: each removal is conditional on the record being unchanged.
 */
export async function sweepUploads(
	deps: UploadSweepDeps,
	cutoff: Date
): Promise< SweepResult > {
	const result: SweepResult = { abandoned: [], removed: [] };
	let next: Record< string, unknown > | undefined;
	for ( let page = 0; page < MAX_PAGES; page++ ) {
		const listed = await deps.uploads.listCreatedBefore(
			cutoff.toISOString(),
			PAGE,
			next
		);
		for ( const session of listed.sessions ) {
			await sweepOne( deps, session, result );
		}
		next = listed.next;
		if ( ! next ) {
			break;
		}
	}
	return result;
}

async function sweepOne(
	deps: UploadSweepDeps,
	session: UploadSession,
	result: SweepResult
) {
	if ( session.status === 'completing' ) {
		const job = session.jobId
			? await deps.jobs.get( session.jobId )
			: undefined;
		if ( job && job.status !== 'succeeded' && job.status !== 'failed' ) {
			return;
		}
	}
	// The record goes first: once it is gone nobody can complete the upload any more.
	if ( ! ( await deps.uploads.remove( session.uploadId, session.status ) ) ) {
		return;
	}
	if ( session.status === 'completing' ) {
		result.removed.push( session.uploadId );
		return;
	}
	// A cancelled upload was aborted when cancelled; aborting again is harmless.
	await deps.objects.abortMultipartUpload(
		session.bucket,
		session.key,
		session.s3UploadId
	);
	( session.status === 'open' ? result.abandoned : result.removed ).push(
		session.uploadId
	);
}

/** Runs the sweep every interval while the bridge runs. */
export class UploadSweeper {
	private timer: NodeJS.Timeout | undefined;
	private running: Promise< unknown > | undefined;

	constructor(
		private readonly deps: UploadSweepDeps,
		private readonly options: {
			abandonedAfterSeconds: number;
			intervalMs: number;
			logger: Logger;
		}
	) {}

	/** One sweep of everything older than the configured age. */
	sweep( now = new Date() ): Promise< SweepResult > {
		return sweepUploads(
			this.deps,
			new Date(
				now.getTime() - this.options.abandonedAfterSeconds * 1000
			)
		);
	}

	start() {
		this.timer = setInterval( () => {
			this.running ??= this.sweep()
				.then( ( result ) => {
					if ( result.abandoned.length || result.removed.length ) {
						this.options.logger.info(
							result,
							'swept abandoned uploads'
						);
					}
				} )
				.catch( ( error ) =>
					this.options.logger.warn(
						{ err: error },
						'upload sweep failed; trying again next interval'
					)
				)
				.finally( () => ( this.running = undefined ) );
		}, this.options.intervalMs );
		this.timer.unref();
	}

	async stop() {
		clearInterval( this.timer );
		await this.running;
	}
}
