import { z } from 'zod';

import type { ApplicationView } from './argocd-status.js';

const text = ( max: number ) => z.string().max( max );

/**
 * The body Argo CD Notifications posts to `POST /v1/notifications/argocd`
 * with the template of docs/argocd-notifications.md: the Application's sync
 * and health, its last operation and its resources.
 */
export const argoCdNotification = z.object( {
	trigger: text( 100 ).default( '' ),
	application: z.string().regex( /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/ ),
	namespace: text( 253 ).optional(),
	revision: text( 100 ).default( '' ),
	sync: text( 50 ),
	health: text( 50 ),
	operationPhase: text( 50 ).default( '' ),
	operationMessage: text( 4000 ).default( '' ),
	resources: z
		.array(
			z.object( {
				group: text( 253 ).optional(),
				version: text( 100 ).optional(),
				kind: text( 100 ),
				namespace: text( 253 ).optional(),
				name: text( 253 ),
				status: text( 50 ).optional(),
				health: z
					.object( {
						status: text( 50 ).optional(),
						message: text( 4000 ).optional(),
					} )
					.optional(),
			} )
		)
		.max( 2000 )
		.default( [] ),
	reconciledAt: text( 50 ).default( '' ),
} );

export type ArgoCdNotification = z.infer< typeof argoCdNotification >;

/** The notification read as the Application it describes. */
export function notifiedApplication(
	notification: ArgoCdNotification
): ApplicationView {
	return {
		metadata: { name: notification.application },
		status: {
			resources: notification.resources,
			sync: {
				status: notification.sync,
				revision: notification.revision,
			},
			health: { status: notification.health },
			...( notification.operationPhase
				? {
						operationState: {
							phase: notification.operationPhase,
							message: notification.operationMessage,
							syncResult: { revision: notification.revision },
						},
					}
				: {} ),
		},
	};
}

/** The Orbit apps a notification is about: its Deployments, named as the apps. */
export function notifiedApps( notification: ArgoCdNotification ) {
	return [
		...new Set(
			notification.resources
				.filter(
					( resource ) =>
						resource.kind === 'Deployment' &&
						/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(
							resource.name
						)
				)
				.map( ( resource ) => ( {
					name: resource.name,
					namespace: resource.namespace ?? '',
				} ) )
				.map( ( app ) => JSON.stringify( app ) )
		),
	].map(
		( app ) => JSON.parse( app ) as { name: string; namespace: string }
	);
}
