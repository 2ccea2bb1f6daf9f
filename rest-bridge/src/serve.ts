import { ArgoCdClient } from './adapters/argocd.js';
import { DynamoDocumentStore } from './adapters/dynamo.js';
import { GitOpsRepository } from './adapters/git.js';
import { KubernetesClusters } from './adapters/kube.js';
import { NatsMessageBus } from './adapters/nats.js';
import { OciRegistry } from './adapters/registry.js';
import { S3ObjectStore, createS3Client } from './adapters/s3.js';
import { TrivyScanner } from './adapters/trivy.js';
import { WordPressCallback } from './adapters/wordpress.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type BridgeConfig } from './config.js';
import type { JobHooks } from './jobs/hooks.js';

async function main( config: BridgeConfig, jobHooks?: JobHooks ) {
	const objects = new S3ObjectStore( createS3Client( config.s3 ) );
	const store = DynamoDocumentStore.fromConfig( config.dynamodb );
	const bus = await NatsMessageBus.connect( config.nats, 'orbit-bridge' );
	const app = buildApp( {
		config,
		jobHooks,
		adapters: {
			objects,
			store,
			bus,
			callback: new WordPressCallback(
				config.wordpressUrl,
				config.secret
			),
			scanner: new TrivyScanner( config.trivy ),
			registry: new OciRegistry(),
			gitops: config.gitopsUrl
				? new GitOpsRepository( {
						url: config.gitopsUrl,
						branch: config.gitopsBranch,
						// The person is named in each commit message; the commits are Orbit's.
						identity: {
							name: 'k8or Orbit',
							email: 'orbit@k8or.invalid',
						},
					} )
				: undefined,
			cluster: new KubernetesClusters( {
				kubeconfigPath: config.clusters.kubeconfigPath,
				contexts: config.clusters.kubeContexts,
			} ),
			argocd: new ArgoCdClient( config.clusters.argocd ),
		},
	} );

	let closing: Promise< void > | undefined;
	const shutdown = ( signal: string ) => {
		closing ??= ( async () => {
			app.log.info(
				{ signal },
				'shutting down: no new jobs, finishing the step in flight'
			);
			// Past this the step in flight is abandoned; its job comes back after the ack wait.
			const force = setTimeout( () => {
				app.log.error( 'shutdown took too long; exiting' );
				process.exit( 1 );
			}, config.jobs.ackWaitMs + 10_000 );
			force.unref();
			await app.uploadSweeper.stop();
			await app.jobs.stop();
			await app.close();
			// NATS may already be gone; the other adapters close regardless.
			await bus
				.drain()
				.catch( ( error ) =>
					app.log.warn( { err: error }, 'NATS did not drain' )
				);
			objects.close();
			store.close();
			app.log.info( 'stopped' );
		} )().catch( ( error ) => {
			app.log.error( { err: error }, 'shutdown failed' );
			process.exitCode = 1;
		} );
	};
	process.once( 'SIGINT', () => shutdown( 'SIGINT' ) );
	process.once( 'SIGTERM', () => shutdown( 'SIGTERM' ) );

	await app.listen( { host: config.host, port: config.port } );
	app.jobs.start();
	app.uploadSweeper.start();
	app.log.info( { worker: app.jobs.workerId }, 'taking jobs' );
}

/**
 * Runs the bridge process: configuration from `env`, signals, listen, graceful close.
 * `jobHooks` are for a process embedding the bridge (the integration tests' paused bridge).
 */
export function runServer(
	env: Record< string, string | undefined >,
	options: { jobHooks?: JobHooks } = {}
) {
	let config: BridgeConfig;
	try {
		config = loadConfig( env );
	} catch ( error ) {
		if ( error instanceof ConfigError ) {
			process.stderr.write( `${ error.message }\n` );
			process.exit( 2 );
		}
		throw error;
	}
	main( config, options.jobHooks ).catch( ( error ) => {
		process.stderr.write(
			`orbit-bridge failed to start: ${ ( error as Error ).stack ?? error }\n`
		);
		process.exit( 1 );
	} );
}
