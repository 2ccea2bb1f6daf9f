import { CONTRACT, type Verdict } from '@k8or-orbit/contract';

import { registryLocation, RegistryError } from '../adapters/registry.js';
import { namespaceOf } from '../config.js';
import { environmentVariableSuffix } from '../config-environments.js';
import type {
	DeployingState,
	EnvironmentState,
	PushedImageRef,
} from '../deploy/environment-state.js';
import { renderAppFiles } from '../deploy/manifests.js';
import { renderedObjects } from '../deploy/rendered-objects.js';
import { storedArchive } from '../deploy/stored-archive.js';
import { deployVerdict } from '../deploy/verdict.js';
import type { JobRecord } from '../job-model/job.js';
import { DEPLOY_JOB, type DeployJobInput } from '../job-model/kinds.js';
import type { JobServices } from '../job-model/services.js';
import { deliverToCluster, type ClusterOutcome } from './cluster-rollout.js';
import {
	contractSteps,
	type JobDefinition,
	type StepContext,
} from './definition.js';
import { commitManifests, deployList } from './deploy-commit.js';
import { PermanentJobError } from './errors.js';

const input = ( job: JobRecord ) => job.input as unknown as DeployJobInput;

const STEP = contractSteps( DEPLOY_JOB );
// Event names as the contract gives them, step by step.
const [ INITIATED, DETAIL_RECEIVED ] = STEP.receive.events;
const [ POLICY_CHECKED ] = STEP.gate.events;
const [ RETRIEVAL_STARTED, IMAGE_RETRIEVED ] = STEP[ 'retrieve-image' ].events;
const [ PUSH_STARTED, IMAGE_PUSHED ] = STEP[ 'push-image' ].events;
const [ RENDER_STARTED, RENDERED ] = STEP.render.events;
const [ STATUS_UPDATED ] = STEP.publish.events;
const [ COMPLETED ] = STEP.finish.events;

/**
 * Deploys a stored image to an environment: policy gate, push to the
 * environment's registry by digest, manifests rendered for the revision, one
 * commit in the GitOps repository (with the deploy-list entry), the revision
 * marked committed, the new state delivered to WordPress. Without a cluster
 * connection the deploy ends `committed`, waiting for Argo CD to sync.
 */
export const deployJob: JobDefinition = {
	kind: DEPLOY_JOB,
	failureEvent: CONTRACT.jobs.deploy.failureEvent,
	steps: [
		{
			name: STEP.receive.name,
			emits: STEP.receive.events,
			checkpoints: null,
			run: receive,
		},
		{
			name: STEP.gate.name,
			emits: STEP.gate.events,
			checkpoints: 'the verdict',
			run: gate,
		},
		{
			name: STEP[ 'retrieve-image' ].name,
			emits: STEP[ 'retrieve-image' ].events,
			checkpoints: 'the archive size',
			run: retrieveImage,
		},
		{
			name: STEP[ 'push-image' ].name,
			emits: STEP[ 'push-image' ].events,
			checkpoints: 'the image reference by digest',
			run: pushImage,
		},
		{
			name: STEP.render.name,
			emits: STEP.render.events,
			checkpoints: 'the manifest files',
			run: render,
		},
		{
			name: STEP.commit.name,
			emits: STEP.commit.events,
			checkpoints: 'the commit and when it was made',
			run: commitManifests,
		},
		{
			name: STEP[ 'deploy-list' ].name,
			emits: STEP[ 'deploy-list' ].events,
			checkpoints: null,
			run: deployList,
		},
		{
			name: STEP.cluster.name,
			emits: STEP.cluster.events,
			checkpoints: 'what the cluster or Argo CD said',
			run: cluster,
		},
		{
			name: STEP.publish.name,
			emits: STEP.publish.events,
			checkpoints: null,
			run: publish,
		},
		{
			name: STEP.finish.name,
			emits: STEP.finish.events,
			checkpoints: null,
			run: finish,
		},
	],
	async cleanUp( job, { revisions } ) {
		const deploy = input( job );
		await revisions.finish( job.appName, job.environment, deploy.revision, {
			status: 'failed',
			message: 'The deploy failed; see its events.',
		} );
		await revisions.releaseDeploy(
			job.appName,
			job.environment,
			job.jobId
		);
	},
};

async function receive( context: StepContext ) {
	const { job } = context;
	const deploy = input( job );
	// WordPress shows the environment as deploying until the job's state replaces
	// it, and puts back the state before it if the job fails.
	const deploying: DeployingState = {
		status: 'deploying',
		revision: deploy.revision,
		jobId: job.jobId,
		actor: job.actor,
		message: `Deploying revision ${ deploy.revision }.`,
	};
	await context.emit( INITIATED, 'started', {
		revision: deploy.revision,
		...( deploy.version ? { version: deploy.version } : {} ),
		...( deploy.rollbackOf ? { rollbackOf: deploy.rollbackOf } : {} ),
		environments: { [ job.environment ]: deploying },
	} );
	// Names only: variable values may be secrets, and events reach every job reader.
	await context.emit( DETAIL_RECEIVED, 'succeeded', {
		revision: deploy.revision,
		replicas: deploy.inputs.replicas,
		...( deploy.inputs.containerPort
			? { containerPort: deploy.inputs.containerPort }
			: {} ),
		env: deploy.inputs.env.map( ( variable ) => variable.name ),
		configDigest: deploy.source.configDigest,
	} );
	return null;
}

async function gate(
	context: StepContext,
	{ objects, names }: JobServices
): Promise< Verdict > {
	const { job } = context;
	const deploy = input( job );
	const verdict = await deployVerdict(
		{ objects, names },
		{
			app: job.appName,
			environment: job.environment,
			scannedIn: deploy.source.environment,
			policy: deploy.policy,
		}
	);
	await context.emit(
		POLICY_CHECKED,
		verdict.allowed ? 'succeeded' : 'failed',
		{ verdict },
		verdict.allowed ? undefined : verdict.message
	);
	if ( ! verdict.allowed ) {
		throw new PermanentJobError( 'orbit_policy_blocked', verdict.message );
	}
	return verdict;
}

async function retrieveImage( context: StepContext, { objects }: JobServices ) {
	const { source } = input( context.job );
	await context.emit( RETRIEVAL_STARTED, 'started', {
		archiveDigest: source.archiveDigest,
	} );
	const head = await objects.headObject( source.bucket, source.key );
	if ( ! head ) {
		throw new PermanentJobError(
			'image_missing',
			`The archive of ${ context.job.appName } is no longer stored in ${ source.environment }; upload the image again.`
		);
	}
	await context.emit( IMAGE_RETRIEVED, 'succeeded', {
		archiveDigest: source.archiveDigest,
		size: head.size,
	} );
	return { size: head.size };
}

async function pushImage(
	context: StepContext,
	{ config, objects, registry }: JobServices
): Promise< PushedImageRef > {
	const { job } = context;
	const deploy = input( job );
	const url = config.targets[ job.environment ]?.registryUrl;
	if ( ! url ) {
		throw new PermanentJobError(
			'registry_not_configured',
			`No registry is configured for ${ job.environment }: set ORBIT_REGISTRY_URL_${ environmentVariableSuffix( job.environment ) } (or ORBIT_REGISTRY_URL) on the bridge.`
		);
	}
	const location = registryLocation( url );
	await context.emit( PUSH_STARTED, 'started', {
		registry: [ location.host, location.prefix ]
			.filter( Boolean )
			.join( '/' ),
		tag: `r${ deploy.revision }`,
	} );
	const archive = await storedArchive(
		objects,
		deploy.source.bucket,
		deploy.source.key
	);
	if ( ! archive ) {
		throw new PermanentJobError(
			'image_missing',
			`The archive of ${ job.appName } is no longer stored; upload the image again.`
		);
	}
	try {
		const pushed = await registry.pushArchive( archive, {
			location,
			repository: job.appName,
			tag: `r${ deploy.revision }`,
			expectedConfigDigest: deploy.source.configDigest,
			onBlob: () => context.heartbeat(),
		} );
		const image = {
			reference: pushed.reference,
			digest: pushed.digest,
			configDigest: pushed.configDigest,
		};
		await context.emit( IMAGE_PUSHED, 'succeeded', {
			image: pushed.reference,
			digest: pushed.digest,
			configDigest: pushed.configDigest,
			blobsSent: pushed.blobsSent,
			blobsSkipped: pushed.blobsSkipped,
		} );
		return image;
	} catch ( error ) {
		if ( error instanceof RegistryError && error.permanent ) {
			throw new PermanentJobError( 'image_push_refused', error.message );
		}
		throw error;
	}
}

async function render(
	context: StepContext,
	{ config, revisions }: JobServices
) {
	const { job } = context;
	const deploy = input( job );
	await context.emit( RENDER_STARTED, 'started', {
		revision: deploy.revision,
	} );
	const image = context.output< PushedImageRef >( 'push-image' );
	const files = renderAppFiles( {
		app: job.appName,
		version: deploy.version ?? deploy.source.version,
		environment: job.environment,
		namespace: namespaceOf( config, job.environment ),
		image: image.reference,
		inputs: deploy.inputs,
		exposedPorts: deploy.source.exposedPorts,
	} );
	await revisions.saveRendered(
		job.appName,
		job.environment,
		deploy.revision,
		{
			image,
			manifests: files,
		}
	);
	await context.emit( RENDERED, 'succeeded', {
		revision: deploy.revision,
		files: Object.keys( files ),
	} );
	return { files };
}

async function publish( context: StepContext ) {
	const { job } = context;
	const deploy = input( job );
	const image = context.output< PushedImageRef >( 'push-image' );
	const { commit, committedAt } = context.output< {
		commit: string;
		committedAt: string;
	} >( 'commit' );
	const outcome = context.output< ClusterOutcome >( 'cluster' );
	const state: EnvironmentState = {
		...outcome,
		revision: deploy.revision,
		image: image.reference,
		commit,
		actor: job.actor,
		committedAt,
		updatedAt: new Date().toISOString(),
		...( deploy.rollbackOf ? { rolledBackTo: deploy.rollbackOf } : {} ),
	};
	const started = await context.emit( STATUS_UPDATED, 'succeeded', {
		environments: { [ job.environment ]: state },
	} );
	await context.deliver( started );
	return null;
}

async function finish( context: StepContext, { revisions }: JobServices ) {
	const { job } = context;
	const deploy = input( job );
	const outcome = context.output< ClusterOutcome >( 'cluster' );
	if ( outcome.status === 'failed' ) {
		// The state WordPress shows says why; the job ends deployment-failed.
		throw new PermanentJobError(
			'orbit_deploy_not_running',
			outcome.message ?? 'The cluster did not run the new revision.'
		);
	}
	await revisions.releaseDeploy( job.appName, job.environment, job.jobId );
	await context.emit( COMPLETED, 'succeeded', {
		revision: deploy.revision,
		image: context.output< PushedImageRef >( 'push-image' ).reference,
		commit: context.output< { commit: string } >( 'commit' ).commit,
	} );
	return null;
}

/** After the commit: Argo CD syncs it, or the objects are applied (the environment's mode). */
async function cluster( context: StepContext, services: JobServices ) {
	const { job } = context;
	const deploy = input( job );
	const mode = deploy.mode ?? 'gitops';
	const { commit } = context.output< { commit: string } >( 'commit' );
	const namespace = namespaceOf( services.config, job.environment );
	const objects =
		mode === 'direct' && services.cluster.has( job.environment )
			? await renderedObjects(
					context.output< { files: Record< string, string > } >(
						'render'
					).files,
					namespace,
					job.environment,
					services.config.kustomizePath
				)
			: [];
	return deliverToCluster( context, services, {
		mode,
		namespace,
		commit,
		objects,
	} );
}
