import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';

import {
	argoCdNotification,
	notifiedApps,
} from '../../cluster/argocd-notification.js';
import type { RevisionStore } from '../../adapters/dynamo-revisions.js';
import type { BridgeConfig } from '../../config.js';
import type { JobQueue } from '../../job-model/job.js';
import {
	CLUSTER_STATUS_JOB,
	type ClusterStatusJobInput,
} from '../../job-model/kinds.js';
import { HttpError } from '../errors.js';
import { jobIdFor } from '../idempotency.js';

export interface NotificationRouteOptions {
	config: BridgeConfig;
	jobs: Pick< JobQueue, 'submit' >;
	revisions: Pick< RevisionStore, 'current' >;
}

/** Who the status jobs of a notification are recorded as. */
export const ARGOCD_ACTOR = { id: 0, login: 'argocd' };

const digest = ( value: string ) =>
	createHash( 'sha256' ).update( value ).digest();

/**
 * `POST /v1/notifications/argocd`: Argo CD Notifications tells of syncs and
 * health changes (docs/argocd-notifications.md). Not signed like the plugin's
 * calls: Argo CD sends its own bearer secret (ORBIT_ARGOCD_WEBHOOK_SECRET);
 * without one configured the route does not exist. Each Orbit app
 * (a Deployment with a committed deploy in the environment) gets a status
 * job, once per notification.
 */
export const notificationRoutes: FastifyPluginAsync<
	NotificationRouteOptions
> = async ( app, { config, jobs, revisions } ) => {
	const secret = config.clusters.argocdWebhookSecret;
	if ( ! secret ) {
		return;
	}
	const expected = digest( `Bearer ${ secret }` );

	app.post( '/v1/notifications/argocd', async ( request, reply ) => {
		const given = request.headers.authorization ?? '';
		if ( ! timingSafeEqual( digest( given ), expected ) ) {
			throw new HttpError(
				401,
				'orbit_notification_unauthorized',
				'The Authorization header does not carry the Argo CD webhook secret.'
			);
		}
		const notification = argoCdNotification.parse( request.body );
		const environment = Object.entries( config.clusters.argocd ).find(
			( [ , target ] ) => target.application === notification.application
		)?.[ 0 ];
		if ( ! environment ) {
			throw new HttpError(
				422,
				'orbit_unknown_application',
				`No environment is synced by the Argo CD Application ${ notification.application }.`
			);
		}
		const jobIds: string[] = [];
		for ( const target of notifiedApps( notification ) ) {
			// Objects of the Application Orbit never deployed are not Orbit's apps.
			if ( ! ( await revisions.current( target.name, environment ) ) ) {
				continue;
			}
			// One job per notification: Argo CD may post the same one again.
			const jobId = jobIdFor(
				CLUSTER_STATUS_JOB,
				target.name,
				environment,
				digest(
					[
						notification.application,
						notification.trigger,
						notification.revision,
						notification.reconciledAt,
					].join( ':' )
				).toString( 'hex' )
			);
			const input: ClusterStatusJobInput = {
				source: 'notification',
				mode: 'gitops',
				namespace: target.namespace,
				notification,
			};
			await jobs.submit( {
				jobId,
				kind: CLUSTER_STATUS_JOB,
				appName: target.name,
				environment,
				actor: ARGOCD_ACTOR,
				input: { ...input },
			} );
			jobIds.push( jobId );
		}
		return reply.code( 202 ).send( { environment, jobIds } );
	} );
};
