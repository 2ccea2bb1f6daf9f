import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { stringify } from 'yaml';

/** How Argo CD syncs an environment: on its own (prune, self-heal) or when asked. */
export const SYNC_POLICIES = [ 'automated', 'manual' ] as const;
export type SyncPolicyChoice = ( typeof SYNC_POLICIES )[ number ];

/** The default when the settings name none: production is synced by hand. */
export function defaultSyncPolicy( environment: string ): SyncPolicyChoice {
	return /^prod(uction)?$/.test( environment ) ? 'manual' : 'automated';
}

/** The triggers of docs/argocd-notifications.md, sent to the `orbit` webhook service. */
const NOTIFICATION_TRIGGERS = [
	'orbit-on-deployed',
	'orbit-on-health-degraded',
	'orbit-on-sync-failed',
];

/** Where the Application lives in the GitOps repository. */
export const argocdApplicationPath = ( environment: string ) =>
	`argocd/${ environment }.yaml`;

export interface ApplicationRequest {
	environment: string;
	/** The Application's name (ORBIT_ARGOCD_APPLICATION_<ENV>, orbit-<env> by default). */
	name: string;
	/** The environment's namespace, where its apps run. */
	namespace: string;
	/** The GitOps repository as Argo CD reaches it, and its branch. */
	repoURL: string;
	branch: string;
	/** The environment's folder in the repository. */
	path: string;
	project?: string;
	syncPolicy: SyncPolicyChoice;
}

/**
 * The Argo CD Application that syncs one environment's folder into its
 * namespace, validated against the Argo CD models, as YAML for the
 * repository.
 */
export function renderArgoCdApplication( request: ApplicationRequest ): string {
	const application = new Application( {
		metadata: {
			name: request.name,
			namespace: 'argocd',
			labels: {
				'app.kubernetes.io/managed-by': 'k8or-orbit',
				'orbit.k8or.io/environment': request.environment,
			},
			annotations: Object.fromEntries(
				NOTIFICATION_TRIGGERS.map( ( trigger ) => [
					`notifications.argoproj.io/subscribe.${ trigger }.orbit`,
					'',
				] )
			),
		},
		spec: {
			project: request.project ?? 'default',
			source: {
				repoURL: request.repoURL,
				targetRevision: request.branch,
				path: request.path,
			},
			destination: {
				server: 'https://kubernetes.default.svc',
				namespace: request.namespace,
			},
			syncPolicy: {
				...( request.syncPolicy === 'automated'
					? { automated: { prune: true, selfHeal: true } }
					: {} ),
				syncOptions: [ 'ServerSideApply=true' ],
			},
		},
	} );
	application.validate();
	return stringify( application.toJSON() );
}
