/**
 * A first visit that is not empty: on the first run, a few small real images are built
 * (umoci, skopeo) and sent through the real upload path — WordPress, the bridge, validation,
 * scan, the callback — as the operator would. Later runs keep what is there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { step, warn } from './console.mjs';
import { buildImage, saveArchive } from './images.mjs';

export const SEED_APPS = [
	{
		name: 'hello-web',
		title: 'Hello Web',
		description:
			'A static page served on port 8080: the smallest thing worth deploying.',
		category: 'Web',
		port: 8080,
		entrypoint: '/bin/httpd',
		files: {
			'srv/index.html': '<!doctype html><h1>Hello from k8or Orbit</h1>\n',
		},
		env: { GREETING: 'hello' },
	},
	{
		name: 'echo-api',
		title: 'Echo API',
		description:
			'Answers every HTTP request with what it received; handy to test ingress and headers.',
		category: 'APIs',
		port: 9000,
		entrypoint: '/usr/local/bin/echo-api',
		files: {
			'usr/local/bin/echo-api': '#!/bin/sh\nexec nc -lk -p 9000 -e cat\n',
			'etc/echo-api/config.json': '{ "port": 9000 }\n',
		},
		env: { LOG_LEVEL: 'info' },
	},
	{
		name: 'status-board',
		title: 'Status Board',
		description:
			'A one-page board showing which services are up, refreshed every ten seconds.',
		category: 'Web',
		port: 3000,
		entrypoint: '/srv/status-board/start.sh',
		files: {
			'srv/status-board/start.sh':
				'#!/bin/sh\nexec httpd -f -p 3000 -h /srv/status-board\n',
			'srv/status-board/index.html':
				'<!doctype html><h1>All systems normal</h1>\n',
		},
		env: { REFRESH_SECONDS: '10' },
	},
];

/** The version the seeded images are, as their tag and label say. */
const SEED_VERSION = '1.0.0';

/** Builds one app's image, a layer per file, and saves it as a docker-archive. */
async function buildArchive( app, workDir ) {
	const dir = path.join( workDir, app.name );
	const image = await buildImage( {
		dir,
		layers: Object.entries( app.files ).map( ( [ target, content ] ) => ( {
			[ `/${ target }` ]: content,
		} ) ),
		config: {
			ports: [ `${ app.port }/tcp` ],
			env: app.env,
			entrypoint: [ app.entrypoint ],
			labels: {
				'org.opencontainers.image.title': app.title,
				'org.opencontainers.image.version': SEED_VERSION,
			},
		},
	} );
	return saveArchive(
		image,
		path.join( workDir, `${ app.name }.tar` ),
		`${ app.name }:${ SEED_VERSION }`
	);
}

export async function callWordpress( stack, user, route, init = {} ) {
	const response = await fetch( `${ stack.wordpress.restUrl }${ route }`, {
		...init,
		headers: {
			Authorization: `Basic ${ Buffer.from( `${ user.login }:${ user.applicationPassword }` ).toString( 'base64' ) }`,
			'Content-Type': 'application/json',
		},
		signal: AbortSignal.timeout( 30000 ),
	} );
	const body = await response.json().catch( () => ( {} ) );
	if ( ! response.ok ) {
		throw new Error(
			`${ init.method ?? 'GET' } ${ route } answered ${ response.status }: ${ body.message ?? JSON.stringify( body ) }`
		);
	}
	return body;
}

/**
 * Uploads an archive as the given user, as the console does: start through WordPress, parts
 * straight to S3 with the presigned URLs, complete through WordPress.
 *
 * @return {Promise<{jobId: string, uploadId: string}>} The job that now runs.
 */
export async function startUpload(
	stack,
	user,
	archive,
	app,
	version = SEED_VERSION
) {
	const bytes = fs.readFileSync( archive );
	const started = await callWordpress(
		stack,
		user,
		'/k8or-orbit/v1/uploads',
		{
			method: 'POST',
			body: JSON.stringify( {
				appName: app.name,
				version,
				filename: path.basename( archive ),
				size: bytes.length,
			} ),
		}
	);
	const parts = [];
	for ( const part of started.parts ) {
		const offset = ( part.partNumber - 1 ) * started.partSize;
		const put = await fetch( part.url, {
			method: 'PUT',
			body: bytes.subarray( offset, offset + started.partSize ),
			signal: AbortSignal.timeout( 30000 ),
		} );
		if ( ! put.ok ) {
			throw new Error(
				`uploading part ${ part.partNumber } answered ${ put.status }`
			);
		}
		parts.push( {
			partNumber: part.partNumber,
			etag: put.headers.get( 'etag' ),
		} );
	}
	const { jobId } = await callWordpress(
		stack,
		user,
		`/k8or-orbit/v1/uploads/${ started.uploadId }/complete`,
		{
			method: 'POST',
			body: JSON.stringify( {
				parts,
				app: {
					name: app.name,
					title: app.title,
					description: app.description,
					category: app.category,
					environment: 'dev',
					deployInputs: {
						replicas: 1,
						containerPort: app.port,
						env: app.env,
					},
				},
			} ),
		}
	);
	return { jobId, uploadId: started.uploadId };
}

/** Uploads an archive as the given user and waits for the job; returns the finished job. */
export async function uploadArchive( stack, user, archive, app ) {
	const { jobId } = await startUpload( stack, user, archive, app );
	const deadline = Date.now() + 90000;
	while ( Date.now() < deadline ) {
		const job = await callWordpress(
			stack,
			user,
			`/k8or-orbit/v1/jobs/${ jobId }`
		);
		if ( job.status === 'succeeded' || job.status === 'failed' ) {
			return job;
		}
		await sleep( 300 );
	}
	throw new Error( `the upload job ${ jobId } did not finish within 90 s` );
}

/**
 * Seeds the catalog once per data directory. A failure is reported, never fatal: the stack
 * runs either way.
 *
 * @param {Object} stack The running stack (stack.json).
 */
export async function seedCatalog( stack ) {
	const marker = path.join( stack.dataDir, 'seeded.json' );
	if ( fs.existsSync( marker ) ) {
		return;
	}
	const operator = stack.wordpress.users.find(
		( user ) => user.role === 'orbit_operator'
	);
	const workDir = fs.mkdtempSync( path.join( os.tmpdir(), 'orbit-seed-' ) );
	const startedAt = Date.now();
	step(
		`Adding ${ SEED_APPS.length } sample apps to the catalog through the upload path`
	);
	try {
		const seeded = [];
		for ( const app of SEED_APPS ) {
			const archive = await buildArchive( app, workDir );
			const job = await uploadArchive( stack, operator, archive, app );
			if ( job.status !== 'succeeded' ) {
				throw new Error(
					`uploading ${ app.name } failed: ${ JSON.stringify( job ) }`
				);
			}
			seeded.push( { name: app.name, jobId: job.jobId } );
		}
		fs.writeFileSync(
			marker,
			JSON.stringify(
				{ seededAt: new Date().toISOString(), apps: seeded },
				null,
				2
			)
		);
		step(
			`Sample apps ready in ${ ( ( Date.now() - startedAt ) / 1000 ).toFixed( 1 ) } s`
		);
	} catch ( error ) {
		warn(
			`Could not add the sample apps (${ error.message }); the stack runs without them and tries again on the next start.`
		);
	} finally {
		fs.rmSync( workDir, { recursive: true, force: true } );
	}
}
