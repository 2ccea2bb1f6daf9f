import type { FastifyInstance } from 'fastify';
import type { DocumentStore } from '../adapters/dynamo.js';
import type { MessageBus } from '../adapters/nats.js';
import type { ObjectStore } from '../adapters/object-store.js';
import type { ImageScanner } from '../adapters/trivy.js';
import type { EventCallback } from '../adapters/wordpress.js';
import type { BridgeConfig } from '../config.js';
import type { ResourceNames } from '../resources.js';

export interface CheckResult {
	ok: boolean;
	detail?: string;
}

const CHECK_TIMEOUT_MS = 3000;

async function probe( url: string, acceptable: ( status: number ) => boolean ) {
	const response = await fetch( url, {
		signal: AbortSignal.timeout( CHECK_TIMEOUT_MS ),
	} );
	await response.body?.cancel();
	if ( ! acceptable( response.status ) ) {
		throw new Error( `${ url } answered HTTP ${ response.status }` );
	}
}

async function check(
	run: () => Promise< string | void >
): Promise< CheckResult > {
	let timer: NodeJS.Timeout | undefined;
	try {
		const detail = await Promise.race( [
			run(),
			new Promise< never >( ( _, reject ) => {
				timer = setTimeout(
					() =>
						reject(
							new Error(
								`no answer within ${ CHECK_TIMEOUT_MS } ms`
							)
						),
					CHECK_TIMEOUT_MS
				);
			} ),
		] );
		return detail ? { ok: true, detail } : { ok: true };
	} catch ( error ) {
		return { ok: false, detail: ( error as Error ).message };
	} finally {
		clearTimeout( timer );
	}
}

export function registerHealth(
	app: FastifyInstance,
	deps: {
		config: BridgeConfig;
		names: ResourceNames;
		objects: ObjectStore;
		store: DocumentStore;
		bus: MessageBus;
		callback: EventCallback;
		scanner: ImageScanner;
	}
) {
	const { config } = deps;
	app.get( '/healthz', async () => ( { ok: true } ) );

	app.get( '/readyz', async ( _request, reply ) => {
		const entries = await Promise.all(
			Object.entries( {
				s3: () => deps.objects.ping( deps.names.buckets.temporary ),
				dynamodb: () => deps.store.ping( deps.names.tables.jobs ),
				nats: () => deps.bus.ping(),
				wordpress: () => deps.callback.ping(),
				registry: async () => {
					if ( ! config.registryUrl ) {
						return 'not configured';
					}
					// The Distribution API root answers 200, or 401 when it wants credentials.
					await probe(
						`${ config.registryUrl.replace( /\/+$/, '' ) }/v2/`,
						( s ) => s === 200 || s === 401
					);
				},
				gitops: async () => {
					if ( ! config.gitopsUrl ) {
						return 'not configured';
					}
					await probe(
						`${ config.gitopsUrl.replace( /\/+$/, '' ) }/info/refs?service=git-upload-pack`,
						( s ) => s === 200
					);
				},
				trivy: () => deps.scanner.describe(),
			} ).map(
				async ( [ name, run ] ) => [ name, await check( run ) ] as const
			)
		);
		const checks = Object.fromEntries( entries );
		const ready = entries.every( ( [ , result ] ) => result.ok );
		return reply.code( ready ? 200 : 503 ).send( { ready, checks } );
	} );
}
