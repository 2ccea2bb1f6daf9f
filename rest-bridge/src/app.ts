import Fastify, {
	type FastifyInstance,
	type FastifyServerOptions,
} from 'fastify';
import type { GitOpsController } from './adapters/argocd.js';
import type { DocumentStore } from './adapters/dynamo.js';
import { DynamoDeadLetters } from './adapters/dynamo-dead-letters.js';
import { DynamoJobStore } from './adapters/dynamo-jobs.js';
import { RevisionStore } from './adapters/dynamo-revisions.js';
import { DynamoUploadSessions } from './adapters/dynamo-uploads.js';
import type { GitOpsRepository } from './adapters/git.js';
import type { ClusterClient } from './adapters/cluster-client.js';
import type { MessageBus } from './adapters/nats.js';
import type { OciRegistry } from './adapters/registry.js';
import type { ObjectStore } from './adapters/object-store.js';
import type { ImageScanner } from './adapters/trivy.js';
import type { EventCallback } from './adapters/wordpress.js';
import type { BridgeConfig } from './config.js';
import { EventLog } from './events/log.js';
import { errorHandler } from './http/errors.js';
import { registerHealth } from './http/health.js';
import { registerLiveCredentials } from './http/live-credentials.js';
import { registerRoutes } from './http/routes/index.js';
import { notificationRoutes } from './http/routes/notifications.js';
import { MAX_JSON_BODY_BYTES, requireSignedRequests } from './http/signed.js';
import { deployJob } from './jobs/deploy.js';
import { JobEngine } from './jobs/engine.js';
import type { JobHooks } from './jobs/hooks.js';
import { clusterStatusJob } from './jobs/cluster-status.js';
import { scanJob } from './jobs/scan.js';
import type { JobServices } from './job-model/services.js';
import { uploadJob } from './jobs/upload.js';
import { resourceNames } from './resources.js';
import { UploadSweeper } from './uploads/sweep.js';

export interface Adapters {
	objects: ObjectStore;
	store: DocumentStore;
	bus: MessageBus;
	callback: EventCallback;
	scanner: ImageScanner;
	registry: OciRegistry;
	/** Undefined when no GitOps repository is configured (deploys then fail, saying so). */
	gitops?: GitOpsRepository;
	cluster: ClusterClient;
	argocd: GitOpsController;
}

declare module 'fastify' {
	interface FastifyInstance {
		/** The job engine; the server starts and stops it. */
		jobs: JobEngine;
		/** Sweeps abandoned uploads; the server starts and stops it. */
		uploadSweeper: UploadSweeper;
	}
}

export function buildApp( options: {
	config: BridgeConfig;
	adapters: Adapters;
	logger?: FastifyServerOptions[ 'logger' ];
	/** Waits the embedding process adds around job steps (none in production). */
	jobHooks?: JobHooks;
} ): FastifyInstance {
	const { config, adapters } = options;
	const app = Fastify( {
		logger: options.logger ?? { level: config.logLevel },
		bodyLimit: MAX_JSON_BODY_BYTES,
	} );
	const names = resourceNames( config );
	const events = new EventLog(
		adapters.store,
		names.tables.events,
		names.tables.errors
	);
	const services: JobServices = {
		config,
		objects: adapters.objects,
		names,
		scanner: adapters.scanner,
		registry: adapters.registry,
		gitops: adapters.gitops,
		revisions: new RevisionStore( adapters.store, names.tables.revisions ),
		cluster: adapters.cluster,
		argocd: adapters.argocd,
	};
	const deadLetters = new DynamoDeadLetters(
		adapters.store,
		names.tables.deadLetters
	);
	const engine = new JobEngine( {
		store: new DynamoJobStore( adapters.store, names.tables.jobs ),
		bus: adapters.bus,
		events,
		callback: adapters.callback,
		deadLetters,
		definitions: [ uploadJob, scanJob, deployJob, clusterStatusJob ],
		services,
		ackWaitMs: config.jobs.ackWaitMs,
		maxAttempts: config.jobs.maxAttempts,
		hooks: options.jobHooks,
		logger: app.log,
	} );
	app.decorate( 'jobs', engine );
	const uploads = new DynamoUploadSessions(
		adapters.store,
		names.tables.uploads
	);
	app.decorate(
		'uploadSweeper',
		new UploadSweeper(
			{ uploads, objects: adapters.objects, jobs: engine },
			{ ...config.uploadSweep, logger: app.log }
		)
	);
	app.setErrorHandler( errorHandler );
	app.setNotFoundHandler( ( request, reply ) =>
		reply.code( 404 ).send( {
			code: 'orbit_not_found',
			message: `No route ${ request.method } ${ request.url }.`,
		} )
	);

	registerHealth( app, { config, names, ...adapters } );
	app.register( notificationRoutes, {
		config,
		jobs: engine,
		revisions: services.revisions,
	} );
	app.register( async ( signed ) => {
		requireSignedRequests( signed, {
			secret: config.secret,
			store: adapters.store,
			requestIdsTable: names.tables.requestIds,
		} );
		await registerRoutes( signed, {
			config,
			names,
			objects: adapters.objects,
			uploads,
			events,
			jobs: engine,
			services,
			deadLetters,
			callback: adapters.callback,
		} );
		registerLiveCredentials( signed, { config } );
	} );
	return app;
}
