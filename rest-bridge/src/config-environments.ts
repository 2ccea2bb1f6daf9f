import { z } from 'zod';

// Each environment's own settings: its registry, namespace and cluster, from
// the variables suffixed with the environment's name.

// A DNS-1123 label: what Kubernetes namespaces and Argo CD Application names are.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const optionalUrl = z
	.string()
	.trim()
	.transform( ( value ) => ( value === '' ? undefined : value ) )
	.pipe( z.url().optional() )
	.optional();

/** A registry: http(s)://[user:password@]host[:port][/repository prefix]. */
export const registryUrl = z
	.string()
	.trim()
	.transform( ( value ) => ( value === '' ? undefined : value ) )
	.pipe(
		z
			.url( {
				protocol: /^https?$/,
				error: 'must be an http(s) URL',
			} )
			.optional()
	)
	.optional();

/** The bridge-wide cluster settings an environment falls back on. */
export interface ClusterDefaults {
	ORBIT_ARGOCD_URL?: string;
	ORBIT_ARGOCD_TOKEN?: string;
	ORBIT_ARGOCD_SYNC_DEADLINE_SECONDS: number;
	ORBIT_ARGOCD_WEBHOOK_SECRET?: string;
	ORBIT_ROLLOUT_DEADLINE_SECONDS: number;
}

export interface ClusterConfig {
	/** The kubeconfig file (KUBECONFIG) the direct mode's contexts come from. */
	kubeconfigPath?: string;
	/** environment → kubeconfig context, for environments deployed directly. */
	kubeContexts: Record< string, string >;
	/** environment → the Argo CD Application that syncs it (written to argocd/<env>.yaml). */
	argocdApplications: Record< string, string >;
	/** environment → its Argo CD, for environments synced by Argo CD. */
	argocd: Record<
		string,
		{ url: string; token: string; application: string; deadlineMs: number }
	>;
	/** Bearer secret of POST /v1/notifications/argocd; the route is off without it. */
	argocdWebhookSecret?: string;
	rolloutDeadlineMs: number;
}

/**
 * Each environment's cluster: ORBIT_KUBE_CONTEXT_<ENV> (with KUBECONFIG) for
 * the direct mode; ORBIT_ARGOCD_URL[_<ENV>], ORBIT_ARGOCD_TOKEN[_<ENV>] and
 * ORBIT_ARGOCD_APPLICATION_<ENV> (default orbit-<env>) for Argo CD.
 */
export function clusterConfig(
	environments: string[],
	parsed: ClusterDefaults,
	env: Record< string, string | undefined >,
	problems: string[]
): ClusterConfig {
	const kubeContexts: ClusterConfig[ 'kubeContexts' ] = {};
	const argocd: ClusterConfig[ 'argocd' ] = {};
	const argocdApplications: ClusterConfig[ 'argocdApplications' ] = {};
	for ( const environment of environments ) {
		const suffix = environmentVariableSuffix( environment );
		const context = env[ `ORBIT_KUBE_CONTEXT_${ suffix }` ];
		if ( context ) {
			if ( ! env.KUBECONFIG ) {
				problems.push(
					`ORBIT_KUBE_CONTEXT_${ suffix } (${ JSON.stringify(
						context
					) }): needs KUBECONFIG, the kubeconfig file holding the context`
				);
			}
			kubeContexts[ environment ] = context;
		}
		const urlName = `ORBIT_ARGOCD_URL_${ suffix }`;
		const url = optionalUrl.safeParse( env[ urlName ] );
		if ( ! url.success ) {
			problems.push(
				`${ urlName } (${ JSON.stringify( env[ urlName ] ) }): must be an http(s) URL`
			);
		}
		const argocdUrl = url.data ?? parsed.ORBIT_ARGOCD_URL;
		const token =
			env[ `ORBIT_ARGOCD_TOKEN_${ suffix }` ] ||
			parsed.ORBIT_ARGOCD_TOKEN;
		const applicationName = `ORBIT_ARGOCD_APPLICATION_${ suffix }`;
		const application = z
			.string()
			.regex( DNS_LABEL )
			.safeParse( env[ applicationName ] || `orbit-${ environment }` );
		if ( ! application.success ) {
			problems.push(
				`${ applicationName } (${ JSON.stringify(
					env[ applicationName ]
				) }): must be a DNS label (an Argo CD Application name)`
			);
		}
		if ( argocdUrl && ! token ) {
			problems.push(
				`ORBIT_ARGOCD_TOKEN_${ suffix } (unset): Argo CD at ${ argocdUrl } needs a token (ORBIT_ARGOCD_TOKEN or ORBIT_ARGOCD_TOKEN_${ suffix })`
			);
		}
		if ( application.success ) {
			argocdApplications[ environment ] = application.data;
		}
		if ( argocdUrl && token && application.success ) {
			argocd[ environment ] = {
				url: argocdUrl,
				token,
				application: application.data,
				deadlineMs: parsed.ORBIT_ARGOCD_SYNC_DEADLINE_SECONDS * 1000,
			};
		}
	}
	return {
		kubeconfigPath: env.KUBECONFIG || undefined,
		kubeContexts,
		argocdApplications,
		argocd,
		argocdWebhookSecret: parsed.ORBIT_ARGOCD_WEBHOOK_SECRET,
		rolloutDeadlineMs: parsed.ORBIT_ROLLOUT_DEADLINE_SECONDS * 1000,
	};
}

export interface EnvironmentTarget {
	/** http(s)://host[:port][/path prefix] of the registry, if the environment has one. */
	registryUrl?: string;
	namespace: string;
}

/** `dev` → `DEV`, `eu-prod` → `EU_PROD`: the suffix of an environment's own variables. */
export function environmentVariableSuffix( environment: string ): string {
	return environment.toUpperCase().replace( /-/g, '_' );
}

// Only the bridge names namespaces.
const namespaceSchema = z.string().regex( DNS_LABEL, {
	error: 'must be a DNS label (a Kubernetes namespace)',
} );

/**
 * Each environment's registry (ORBIT_REGISTRY_URL_<ENV>, else
 * ORBIT_REGISTRY_URL) and namespace (ORBIT_NAMESPACE_<ENV>, else
 * orbit-<env>, as WordPress names it by default).
 */
export function environmentTargets(
	environments: string[],
	fallbackRegistry: string | undefined,
	relevant: Record< string, string | undefined >,
	problems: string[]
): Record< string, EnvironmentTarget > {
	const targets: Record< string, EnvironmentTarget > = {};
	for ( const environment of environments ) {
		const suffix = environmentVariableSuffix( environment );
		const registryName = `ORBIT_REGISTRY_URL_${ suffix }`;
		const namespaceName = `ORBIT_NAMESPACE_${ suffix }`;
		const registry = registryUrl.safeParse( relevant[ registryName ] );
		const namespace = namespaceSchema.safeParse(
			relevant[ namespaceName ] || `orbit-${ environment }`
		);
		if ( ! registry.success ) {
			problems.push(
				`${ registryName } (${ JSON.stringify( relevant[ registryName ] ) }): must be an http(s) URL`
			);
		}
		if ( ! namespace.success ) {
			problems.push(
				`${ namespaceName } (${ JSON.stringify( relevant[ namespaceName ] ) }): ${ namespace.error.issues[ 0 ]?.message }`
			);
		}
		targets[ environment ] = {
			registryUrl: registry.data ?? fallbackRegistry,
			namespace: namespace.data ?? `orbit-${ environment }`,
		};
	}
	return targets;
}
