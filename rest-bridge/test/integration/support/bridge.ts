import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { signRequest } from '../../../src/signing/signature.js';
import { REPO_ROOT, waitFor, type ServiceEndpoints } from './services.js';

export const SECRET = 'integration-test-secret-0123456789abcdef';

export function bridgeEnv(
	endpoints: ServiceEndpoints,
	options: {
		prefix: string;
		wordpressUrl: string;
		port: number;
		extra?: Record< string, string >;
	}
): Record< string, string > {
	return {
		PATH: process.env.PATH ?? '',
		AWS_ACCESS_KEY_ID: endpoints.s3.accessKeyId,
		AWS_SECRET_ACCESS_KEY: endpoints.s3.secretAccessKey,
		ORBIT_BRIDGE_HOST: '127.0.0.1',
		ORBIT_BRIDGE_PORT: String( options.port ),
		ORBIT_BRIDGE_SECRET: SECRET,
		ORBIT_WORDPRESS_URL: options.wordpressUrl,
		ORBIT_NATS_URL: endpoints.natsUrl,
		ORBIT_S3_ENDPOINT: endpoints.s3.endpoint,
		ORBIT_S3_REGION: endpoints.s3.region,
		ORBIT_S3_FORCE_PATH_STYLE: 'true',
		ORBIT_BUCKET_PREFIX: options.prefix,
		ORBIT_DYNAMODB_ENDPOINT: endpoints.dynamodb.endpoint,
		ORBIT_DYNAMODB_REGION: endpoints.dynamodb.region,
		ORBIT_TABLE_PREFIX: options.prefix,
		ORBIT_ENVIRONMENTS: 'dev,prod',
		ORBIT_JOB_ACK_WAIT_SECONDS: '3',
		ORBIT_LOG_LEVEL: 'info',
		...options.extra,
	};
}

/** Runs `orbit-bridge` (the bin) to completion. */
export function runCli( args: string[], env: Record< string, string > ) {
	return new Promise< {
		code: number | null;
		stdout: string;
		stderr: string;
	} >( ( done ) => {
		const child = spawn(
			process.execPath,
			[ join( REPO_ROOT, 'rest-bridge/bin/orbit-bridge.mjs' ), ...args ],
			{
				env,
			}
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on( 'data', ( c ) => ( stdout += c ) );
		child.stderr.on( 'data', ( c ) => ( stderr += c ) );
		child.on( 'exit', ( code ) => done( { code, stdout, stderr } ) );
	} );
}

/**
 * A bridge server process (`node rest-bridge/dist/server.js`); with `pauseMs`,
 * the paused bridge that waits that long before each job step and event.
 */
export class BridgeProcess {
	private child: ChildProcess | undefined;
	readonly logs: Record< string, unknown >[] = [];
	stderr = '';
	readonly url: string;

	constructor(
		private readonly env: Record< string, string >,
		private readonly options: { pauseMs?: number } = {}
	) {
		this.url = `http://127.0.0.1:${ env.ORBIT_BRIDGE_PORT }`;
	}

	async start() {
		const { pauseMs } = this.options;
		const entry =
			pauseMs === undefined
				? [ join( REPO_ROOT, 'rest-bridge/dist/server.js' ) ]
				: [
						join(
							REPO_ROOT,
							'rest-bridge/test/integration/support/paused-bridge.mjs'
						),
						String( pauseMs ),
					];
		const child = spawn( process.execPath, entry, {
			env: this.env,
		} );
		this.child = child;
		let buffer = '';
		child.stdout?.on( 'data', ( chunk: Buffer ) => {
			buffer += chunk.toString();
			const lines = buffer.split( '\n' );
			buffer = lines.pop() ?? '';
			for ( const line of lines ) {
				try {
					this.logs.push( JSON.parse( line ) );
				} catch {
					this.logs.push( { raw: line } );
				}
			}
		} );
		child.stderr?.on(
			'data',
			( chunk: Buffer ) => ( this.stderr += chunk.toString() )
		);
		await waitFor(
			`bridge on ${ this.url } (${ this.stderr })`,
			async () =>
				( await fetch( `${ this.url }/healthz` ) ).ok
					? true
					: undefined,
			20_000
		);
	}

	get workerId(): string | undefined {
		return this.logs.find(
			( l ) => typeof l.worker === 'string' && l.msg === 'taking jobs'
		)?.worker as string | undefined;
	}

	kill( signal: NodeJS.Signals ) {
		const child = this.child;
		return new Promise< number | null >( ( done ) => {
			if (
				! child ||
				child.exitCode !== null ||
				child.signalCode !== null
			) {
				done( child?.exitCode ?? null );
				return;
			}
			child.once( 'exit', ( code ) => done( code ) );
			child.kill( signal );
		} );
	}
}

/** A signed request to the bridge, as the plugin sends it. */
export async function signed(
	baseUrl: string,
	method: string,
	path: string,
	body?: unknown,
	tamper: (
		headers: Record< string, string >
	) => Record< string, string > = ( h ) => h
) {
	const text = body === undefined ? '' : JSON.stringify( body );
	const headers = tamper( {
		...signRequest( SECRET, { method, path, body: text } ),
		...( body === undefined ? {} : { 'Content-Type': 'application/json' } ),
	} );
	const response = await fetch( `${ baseUrl }${ path }`, {
		method,
		headers,
		...( body === undefined ? {} : { body: text } ),
	} );
	const raw = await response.text();
	return {
		status: response.status,
		body: raw ? JSON.parse( raw ) : undefined,
		headers,
	};
}
