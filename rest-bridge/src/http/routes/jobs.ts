import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { EventLog } from '../../events/log.js';
import type { JobQueue, JobRecord } from '../../job-model/job.js';
import { HttpError } from '../errors.js';
import { appName, uuid } from '../schemas.js';

const pageQuery = z.object( {
	limit: z.coerce.number().int().min( 1 ).max( 100 ).default( 25 ),
	cursor: z.string().max( 2048 ).optional(),
} );

export interface JobRouteOptions {
	jobs: JobQueue;
	events: Pick< EventLog, 'forJob' | 'forApp' >;
}

/** Jobs and their events, and the event history of an app. */
export const jobRoutes: FastifyPluginAsync< JobRouteOptions > = async (
	app,
	{ jobs, events }
) => {
	const loadJob = async ( jobId: string ) => {
		const job = await jobs.get( uuid.parse( jobId ) );
		if ( ! job ) {
			throw new HttpError(
				404,
				'orbit_job_not_found',
				`No job ${ jobId }.`
			);
		}
		return job;
	};

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
};

function describeJob( job: JobRecord ) {
	return {
		jobId: job.jobId,
		kind: job.kind,
		appName: job.appName,
		environment: job.environment,
		actor: job.actor,
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
