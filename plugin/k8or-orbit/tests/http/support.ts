/**
 * What the HTTP tests share: the running stack, a signer per the contract, and REST calls.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';

export interface StackUser {
	login: string;
	password: string;
	applicationPassword: string;
	role: string;
}

export interface Stack {
	wordpress: { url: string; users: StackUser[] };
	bridge: { url: string; secret: string };
	nats: { url: string; websocketUrl: string; accountSeed: string };
}

export function loadStack(): Stack {
	const file = process.env.ORBIT_STACK_FILE;
	if ( ! file ) {
		throw new Error(
			'ORBIT_STACK_FILE is not set: start the test stack (node scripts/test-stack.mjs up) and point it at its stack.json'
		);
	}
	return JSON.parse( fs.readFileSync( file, 'utf8' ) ) as Stack;
}

export function userWithRole( stack: Stack, role: string ): StackUser {
	const user = stack.wordpress.users.find(
		( candidate ) => candidate.role === role
	);
	if ( ! user ) {
		throw new Error( `stack.json has no user with the role ${ role }` );
	}
	return user;
}

export const CALLBACK_ROUTE = '/k8or-orbit/v1/bridge/events';

export interface SignOptions {
	secret: string;
	method: string;
	path: string;
	body: string;
	timestamp?: number;
	requestId?: string;
}

/**
 * The signed-link headers: v1= HMAC-SHA256 over METHOD, PATH, TIMESTAMP, REQUEST_ID, BODY_SHA256.
 */
export function signedHeaders(
	options: SignOptions
): Record< string, string > {
	const timestamp = String(
		options.timestamp ?? Math.floor( Date.now() / 1000 )
	);
	const requestId = options.requestId ?? randomUUID();
	const canonical = [
		options.method.toUpperCase(),
		options.path,
		timestamp,
		requestId,
		createHash( 'sha256' ).update( options.body ).digest( 'hex' ),
	].join( '\n' );
	return {
		'X-Orbit-Timestamp': timestamp,
		'X-Orbit-Request-Id': requestId,
		'X-Orbit-Signature':
			'v1=' +
			createHmac( 'sha256', options.secret )
				.update( canonical )
				.digest( 'hex' ),
	};
}

export function restUrl(
	stack: Stack,
	route: string,
	query: Record< string, string > = {}
): string {
	const url = new URL( stack.wordpress.url + '/' );
	url.searchParams.set( 'rest_route', route );
	for ( const [ key, value ] of Object.entries( query ) ) {
		url.searchParams.set( key, value );
	}
	return url.toString();
}

export function basicAuth( user: StackUser ): Record< string, string > {
	return {
		Authorization:
			'Basic ' +
			Buffer.from(
				`${ user.login }:${ user.applicationPassword }`
			).toString( 'base64' ),
	};
}

export interface JsonAnswer {
	status: number;
	body: any;
	headers: Headers;
}

export async function call(
	url: string,
	init: {
		method?: string;
		headers?: Record< string, string >;
		body?: string;
	} = {}
): Promise< JsonAnswer > {
	const response = await fetch( url, {
		method: init.method ?? 'GET',
		headers: init.headers,
		body: init.body,
		redirect: 'manual',
		signal: AbortSignal.timeout( 30_000 ),
	} );
	const text = await response.text();
	let body: unknown = text;
	try {
		body = text === '' ? null : JSON.parse( text );
	} catch {
		// Not JSON: keep the text for the assertion message.
	}
	return { status: response.status, body, headers: response.headers };
}

/** Sends events to WordPress as the bridge does: a signed POST of the callback route. */
export async function sendBridgeEvents(
	stack: Stack,
	events: object[]
): Promise< JsonAnswer > {
	const body = JSON.stringify( { events } );
	return call( restUrl( stack, CALLBACK_ROUTE ), {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			...signedHeaders( {
				secret: stack.bridge.secret,
				method: 'POST',
				path: CALLBACK_ROUTE,
				body,
			} ),
		},
		body,
	} );
}

/** Deletes an app's post for good, as the administrator. */
export async function deleteAppPost( stack: Stack, id: number ) {
	await call(
		restUrl( stack, `/wp/v2/orbit_app/${ id }`, { force: 'true' } ),
		{
			method: 'DELETE',
			headers: basicAuth( userWithRole( stack, 'administrator' ) ),
		}
	);
}

export function uniqueAppName(): string {
	return 'orbit-http-' + randomUUID().slice( 0, 8 );
}

export interface OrbitEvent {
	jobId: string;
	seq: number;
	name: string;
	step: string;
	outcome: 'started' | 'succeeded' | 'failed';
	appName: string;
	environment: string;
	actor: { id: number; login: string };
	time: string;
	data: Record< string, unknown >;
}

export function uploadEvent(
	appName: string,
	jobId: string,
	seq = 1
): OrbitEvent {
	return {
		jobId,
		seq,
		name: 'database-update-started',
		step: 'database',
		outcome: 'started',
		appName,
		environment: 'dev',
		actor: { id: 0, login: 'http-test' },
		time: new Date().toISOString(),
		data: {
			app: {
				title: `HTTP test ${ appName }`,
				description: 'Created by the signed-callback test.',
				image: {
					repository: `orbit/${ appName }`,
					tag: '1.0.0',
					manifestDigest: 'sha256:' + 'c'.repeat( 64 ),
					size: 1024,
					os: 'linux',
					architecture: 'amd64',
					exposedPorts: [ '8080/tcp' ],
					layerCount: 1,
				},
				scan: {
					status: 'unavailable',
					reason: 'not scanned by this test',
				},
				environments: { dev: { status: 'none' } },
			},
		},
	};
}

/**
 * Logs in through wp-login.php and returns the session cookies as a Cookie header value.
 */
export async function logIn(
	stack: Stack,
	user: StackUser
): Promise< string > {
	const response = await fetch( stack.wordpress.url + '/wp-login.php', {
		method: 'POST',
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			Cookie: 'wordpress_test_cookie=WP%20Cookie%20check',
		},
		body: new URLSearchParams( {
			log: user.login,
			pwd: user.password,
			testcookie: '1',
		} ).toString(),
		redirect: 'manual',
		signal: AbortSignal.timeout( 30_000 ),
	} );
	const cookies = response.headers
		.getSetCookie()
		.map( ( cookie ) => cookie.split( ';' )[ 0 ] )
		.filter( ( cookie ): cookie is string => !! cookie );
	if (
		! cookies.some( ( cookie ) =>
			cookie.startsWith( 'wordpress_logged_in_' )
		)
	) {
		throw new Error(
			`${ user.login } could not log in (HTTP ${ response.status })`
		);
	}
	return cookies.join( '; ' );
}

/**
 * A page fetched with a session, as text.
 */
export async function getPage(
	url: string,
	cookie: string
): Promise< { status: number; html: string; location: string | null } > {
	const response = await fetch( url, {
		headers: { Cookie: cookie },
		redirect: 'manual',
		signal: AbortSignal.timeout( 30_000 ),
	} );
	return {
		status: response.status,
		html: await response.text(),
		location: response.headers.get( 'location' ),
	};
}
