import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import {
	argocdApplicationPath,
	defaultSyncPolicy,
	renderArgoCdApplication,
} from '../cluster/argocd-application.js';
import { namespaceOf } from '../config.js';
import type { PushedImageRef } from '../deploy/environment-state.js';
import { gitopsPaths, writeAppDeployment } from '../deploy/gitops-layout.js';
import type { JobRecord } from '../job-model/job.js';
import { DEPLOY_JOB, type DeployJobInput } from '../job-model/kinds.js';
import type { JobServices } from '../job-model/services.js';
import { contractSteps, type StepContext } from './definition.js';
import { PermanentJobError } from './errors.js';

// The deploy job's GitOps steps: the commit of the app's folder, then the revision marked committed.
const STEP = contractSteps( DEPLOY_JOB );
const [ COMMIT_STARTED, COMMITTED ] = STEP.commit.events;
const [ DEPLOY_LIST_STARTED, DEPLOY_LIST_UPDATED ] =
	STEP[ 'deploy-list' ].events;

const input = ( job: JobRecord ) => job.input as unknown as DeployJobInput;

export async function commitManifests(
	context: StepContext,
	{ config, gitops }: JobServices
) {
	const { job } = context;
	const deploy = input( job );
	if ( ! gitops ) {
		throw new PermanentJobError(
			'gitops_not_configured',
			'No GitOps repository is configured: set ORBIT_GITOPS_URL on the bridge.'
		);
	}
	const image = context.output< PushedImageRef >( 'push-image' );
	const { files } = context.output< {
		files: Record< string, string >;
	} >( 'render' );
	await context.emit( COMMIT_STARTED, 'started', {
		path: gitopsPaths.app( job.environment, job.appName ),
	} );
	const time = new Date().toISOString();
	const result = await gitops.commitForJob( {
		jobId: job.jobId,
		subject: `Deploy ${ job.appName } revision ${ deploy.revision } to ${ job.environment }`,
		details: [
			`App: ${ job.appName }`,
			`Revision: ${ deploy.revision }`,
			`Environment: ${ job.environment }`,
			`Image: ${ image.reference }`,
			`Actor: ${ job.actor.login } (${ job.actor.id })`,
		],
		apply: async ( checkout ) => {
			context.heartbeat();
			await writeAppDeployment( checkout, {
				environment: job.environment,
				namespace: namespaceOf( config, job.environment ),
				app: job.appName,
				files,
				entry: {
					action: 'deploy',
					app: job.appName,
					revision: deploy.revision,
					image: image.reference,
					digest: image.digest,
					actor: job.actor,
					time,
					job: job.jobId,
				},
				kustomizeBinary: config.kustomizePath,
			} );
			if ( ( deploy.mode ?? 'gitops' ) === 'gitops' ) {
				await writeArgoCdApplication(
					checkout,
					config,
					job.environment,
					deploy
				);
			}
		},
	} );
	await context.emit( COMMITTED, 'succeeded', {
		commit: result.commit,
		attempts: result.attempts,
	} );
	return { commit: result.commit, committedAt: time };
}

export async function deployList(
	context: StepContext,
	{ revisions }: JobServices
) {
	const { job } = context;
	const deploy = input( job );
	const { commit } = context.output< { commit: string } >( 'commit' );
	await context.emit( DEPLOY_LIST_STARTED, 'started', {
		path: gitopsPaths.deployList( job.environment ),
	} );
	await revisions.finish( job.appName, job.environment, deploy.revision, {
		status: 'committed',
		commit,
	} );
	await context.emit( DEPLOY_LIST_UPDATED, 'succeeded', {
		revision: deploy.revision,
		commit,
	} );
	return null;
}

/** `argocd/<env>.yaml`: the Application that syncs the environment's folder. */
async function writeArgoCdApplication(
	checkout: string,
	config: JobServices[ 'config' ],
	environment: string,
	deploy: DeployJobInput
) {
	if ( ! config.gitopsUrl ) {
		return;
	}
	const file = join( checkout, argocdApplicationPath( environment ) );
	await mkdir( dirname( file ), { recursive: true } );
	await writeFile(
		file,
		renderArgoCdApplication( {
			environment,
			name: config.clusters.argocdApplications[ environment ]!,
			namespace: namespaceOf( config, environment ),
			repoURL: config.gitopsUrl,
			branch: config.gitopsBranch,
			path: gitopsPaths.environment( environment ),
			syncPolicy: deploy.syncPolicy ?? defaultSyncPolicy( environment ),
		} )
	);
}
