import { CONTRACT, type Policy } from '@k8or-orbit/contract';
import {
	SYNC_POLICIES,
	defaultSyncPolicy,
} from '../../cluster/argocd-application.js';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';

import { registryLocation } from '../../adapters/registry.js';
import { namespaceOf, type BridgeConfig } from '../../config.js';
import { diffFiles } from '../../deploy/diff.js';
import { deployInputsSchema } from '../../deploy/inputs.js';
import { renderAppFiles } from '../../deploy/manifests.js';
import {
	refusalMessage,
	type DeployRefusalCode,
} from '../../deploy/refusals.js';
import {
	findDeploySource,
	findRevisionSource,
	type DeploySource,
} from '../../deploy/source.js';
import { storedArchive } from '../../deploy/stored-archive.js';
import { deployVerdict } from '../../deploy/verdict.js';
import { readArchiveImage } from '../../image/archive-image.js';
import type { JobQueue } from '../../job-model/job.js';
import { DEPLOY_JOB, type DeployJobInput } from '../../job-model/kinds.js';
import type { JobServices } from '../../job-model/services.js';
import { HttpError } from '../errors.js';
import { jobIdFor } from '../idempotency.js';
import {
	actor,
	appName,
	deployInputs,
	environmentName,
	policy,
} from '../schemas.js';

const MAX_DEPLOY_BODY_BYTES = 256 * 1024;

export interface DeploymentRouteOptions {
	config: BridgeConfig;
	jobs: JobQueue;
	services: JobServices;
}

/**
 * The deploy API: start a deploy (policy gate first, one deploy at a time per
 * app and environment, idempotent by key), roll back to an earlier revision
 * (a deploy of that revision's image and inputs), preview a deploy (verdict,
 * image, manifests and their diff against the revision running now).
 */
export const deploymentRoutes: FastifyPluginAsync<
	DeploymentRouteOptions
> = async ( app, { config, jobs, services } ) => {
	const { revisions } = services;
	const environment = environmentName( config.environments );
	const previewBody = z.object( {
		environment,
		inputs: deployInputs,
		policy,
	} );
	// How the commit reaches the environment's cluster: the environment's
	// settings, sent with every deploy and rollback.
	const delivery = {
		mode: z
			.enum( CONTRACT.schemas.$defs.DeployMode.enum )
			.default( 'gitops' ),
		/** How Argo CD syncs the environment (gitops mode). */
		syncPolicy: z.enum( SYNC_POLICIES ).optional(),
	};
	const deployBody = previewBody.extend( {
		actor,
		version: z.string().max( 128 ).optional(),
		...delivery,
	} );
	const rollbackBody = z.object( {
		environment,
		revision: z.number().int().min( 1 ),
		policy,
		actor,
		...delivery,
	} );
	type DeployRequest = z.infer< typeof deployBody > & {
		rollbackOf?: number;
	};

	const source = async (
		name: string,
		target: string
	): Promise< DeploySource > => {
		const found = await findDeploySource(
			services,
			name,
			target,
			config.environments
		);
		if ( ! found ) {
			throw new HttpError(
				404,
				'orbit_image_not_found',
				`${ name } has no stored image to deploy; upload one first.`
			);
		}
		return found;
	};

	const verdictFor = (
		name: string,
		target: string,
		from: DeploySource,
		targetPolicy: Policy
	) =>
		deployVerdict( services, {
			app: name,
			environment: target,
			scannedIn: from.environment,
			policy: targetPolicy,
		} );

	const checkSize = ( body: unknown ) => {
		if ( JSON.stringify( body ?? {} ).length > MAX_DEPLOY_BODY_BYTES ) {
			throw new HttpError(
				413,
				'orbit_deploy_too_large',
				`A deploy request is limited to ${ MAX_DEPLOY_BODY_BYTES } bytes of JSON.`
			);
		}
	};

	const refuse = (
		code: DeployRefusalCode,
		values: Record< string, string | number | undefined >
	) => new HttpError( 409, code, refusalMessage( code, values ) );

	/** The job a request names by its key, if it was started already. */
	const startedBefore = async (
		name: string,
		target: string,
		key: string | string[] | undefined
	) => {
		const jobId = jobIdFor( DEPLOY_JOB, name, target, key );
		const existing = await jobs.get( jobId );
		return {
			jobId,
			revision: existing
				? ( existing.input as unknown as DeployJobInput ).revision
				: undefined,
		};
	};

	/**
	 * The policy gate, the app and environment's one deploy claimed, the next
	 * revision taken and the deploy job submitted.
	 */
	const startDeploy = async (
		reply: FastifyReply,
		name: string,
		jobId: string,
		body: DeployRequest,
		from: DeploySource
	) => {
		const verdict = await verdictFor(
			name,
			body.environment,
			from,
			body.policy
		);
		if ( ! verdict.allowed ) {
			return reply.code( 409 ).send( {
				code: 'orbit_policy_blocked',
				message: verdict.message,
				findings: verdict.blocking,
				verdict,
			} );
		}
		const claim = await revisions.claimDeploy(
			name,
			body.environment,
			jobId,
			async ( holder ) => {
				const job = await jobs.get( holder );
				return (
					! job ||
					job.status === 'succeeded' ||
					job.status === 'failed'
				);
			}
		);
		if ( ! claim.claimed ) {
			return reply.code( 409 ).send( {
				code: 'orbit_deploy_running',
				message: refusalMessage( 'orbit_deploy_running', {
					app: name,
					environment: body.environment,
					jobId: claim.holder,
				} ),
				jobId: claim.holder,
			} );
		}
		const revision = await revisions.allocate( {
			app: name,
			environment: body.environment,
			jobId,
			...( body.version ? { version: body.version } : {} ),
			inputs: body.inputs,
			actor: body.actor,
			...( body.rollbackOf ? { rolledBackFrom: body.rollbackOf } : {} ),
		} );
		const jobInput: DeployJobInput = {
			revision: revision.revision,
			inputs: body.inputs,
			policy: body.policy,
			...( body.version ? { version: body.version } : {} ),
			...( body.rollbackOf ? { rollbackOf: body.rollbackOf } : {} ),
			source: from,
			mode: body.mode,
			syncPolicy:
				body.syncPolicy ?? defaultSyncPolicy( body.environment ),
		};
		await jobs.submit( {
			jobId,
			kind: DEPLOY_JOB,
			appName: name,
			environment: body.environment,
			actor: body.actor,
			input: jobInput as unknown as Record< string, unknown >,
		} );
		return reply.code( 202 ).send( { jobId, revision: revision.revision } );
	};

	app.post< { Params: { appName: string } } >(
		'/v1/apps/:appName/deployments',
		async ( request, reply ) => {
			const name = appName.parse( request.params.appName );
			checkSize( request.body );
			const body = deployBody.parse( request.body );
			const started = await startedBefore(
				name,
				body.environment,
				request.headers[ 'idempotency-key' ]
			);
			if ( started.revision !== undefined ) {
				return reply.code( 202 ).send( started );
			}
			const from = await source( name, body.environment );
			return startDeploy( reply, name, started.jobId, body, from );
		}
	);

	// A rollback deploys what the chosen revision ran, read from the revision
	// itself: its image (by config digest, so the same digest is pushed), its
	// inputs and so its manifests. Nothing of it comes from the caller.
	app.post< { Params: { appName: string } } >(
		'/v1/apps/:appName/rollbacks',
		async ( request, reply ) => {
			const name = appName.parse( request.params.appName );
			checkSize( request.body );
			const body = rollbackBody.parse( request.body );
			const target = body.environment;
			const started = await startedBefore(
				name,
				target,
				request.headers[ 'idempotency-key' ]
			);
			if ( started.revision !== undefined ) {
				return reply.code( 202 ).send( started );
			}
			const values = {
				app: name,
				environment: target,
				revision: body.revision,
			};
			const chosen = await revisions.get( name, target, body.revision );
			if ( chosen?.status !== 'committed' || ! chosen.image ) {
				throw refuse( 'orbit_rollback_unknown_revision', values );
			}
			const current = await revisions.current( name, target );
			if ( current?.revision === chosen.revision ) {
				throw refuse( 'orbit_rollback_current_revision', values );
			}
			const storedInputs = deployInputsSchema.safeParse( chosen.inputs );
			const from = await findRevisionSource(
				services,
				name,
				target,
				config.environments,
				{
					configDigest: chosen.image.configDigest,
					...( chosen.version ? { version: chosen.version } : {} ),
				}
			);
			if ( ! from || ! storedInputs.success ) {
				throw refuse( 'orbit_rollback_image_missing', {
					...values,
					version: chosen.version ?? chosen.image.configDigest,
				} );
			}
			return startDeploy(
				reply,
				name,
				started.jobId,
				{
					environment: target,
					inputs: storedInputs.data,
					policy: body.policy,
					actor: body.actor,
					...( chosen.version ? { version: chosen.version } : {} ),
					rollbackOf: chosen.revision,
					mode: body.mode,
					...( body.syncPolicy
						? { syncPolicy: body.syncPolicy }
						: {} ),
				},
				from
			);
		}
	);

	app.post< { Params: { appName: string } } >(
		'/v1/apps/:appName/deployments/preview',
		async ( request ) => {
			const name = appName.parse( request.params.appName );
			checkSize( request.body );
			const body = previewBody.parse( request.body );
			const from = await source( name, body.environment );
			const verdict = await verdictFor(
				name,
				body.environment,
				from,
				body.policy
			);
			const registryUrl = config.targets[ body.environment ]?.registryUrl;
			const archive = await storedArchive(
				services.objects,
				from.bucket,
				from.key
			);
			if ( ! registryUrl || ! archive ) {
				throw new HttpError(
					409,
					registryUrl
						? 'orbit_image_not_found'
						: 'orbit_registry_not_configured',
					registryUrl
						? `The archive of ${ name } is no longer stored; upload it again.`
						: `No registry is configured for ${ body.environment } on the bridge.`
				);
			}
			// The manifest the push will put: its digest is known before pushing.
			const image = await readArchiveImage( archive );
			const location = registryLocation( registryUrl );
			const repository = [ location.host, location.prefix, name ]
				.filter( Boolean )
				.join( '/' );
			const reference = `${ repository }@${ image.manifest.digest }`;
			const files = renderAppFiles( {
				app: name,
				version: from.version,
				environment: body.environment,
				namespace: namespaceOf( config, body.environment ),
				image: reference,
				inputs: body.inputs,
				exposedPorts: from.exposedPorts,
			} );
			const current = await revisions.current( name, body.environment );
			return {
				verdict,
				image: {
					reference,
					digest: image.manifest.digest,
					configDigest: image.config.digest,
				},
				files,
				diff: diffFiles( current?.manifests ?? {}, files ),
				currentRevision: current?.revision ?? null,
			};
		}
	);
};
