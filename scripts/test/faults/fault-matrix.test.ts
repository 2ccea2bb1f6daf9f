/**
 * The fault matrix: against the running test stack (its bridge pausing before every step and
 * event, so that a kill lands inside a job), each service in turn is killed with SIGKILL in the
 * middle of a job of a real multi-megabyte image. For every case: the supervisor brings the
 * service back by itself, the job finishes with every event exactly once and nothing published
 * twice, nothing partial is left behind, the data written before the fault is all still there,
 * and a browser-like live client keeps receiving progress without reconnecting by hand.
 *
 * Jobs are driven through a table of job drivers: a kind of job joins the matrix by adding
 * its driver to JOB_DRIVERS.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildImage, saveArchive } from '../../lib/images.mjs';
// @ts-expect-error -- plain ESM scripts without type declarations.
import { healthAnswers } from '../../lib/supervisor.mjs';
import {
	type JobDriver,
	type StartedJob,
	StackProbe,
	type FaultStack,
} from '../support/fault-probes';
import { deployDriver } from '../support/deploy-driver';
import { uploadDriver } from '../support/upload-driver';
import {
	exec,
	gitopsCloneAndPush,
	registryPushAndCatalog,
} from '../support/service-checks';

const stack = JSON.parse(
	fs.readFileSync( process.env.ORBIT_STACK_FILE ?? '', 'utf8' )
) as FaultStack;
const work = fs.mkdtempSync( path.join( os.tmpdir(), 'orbit-faults-' ) );
/** A real image with a few MB of random data, saved as the archive every upload sends. */
const archive = path.join( work, 'faults.tar' );
const probe = new StackProbe( stack, archive );

/**
 * Each service of the stack, and per kind of job the event after which its kill lands: the
 * point where the job is about to use it, or where it must not notice it go (an upload uses
 * neither the registry nor the GitOps repository).
 */
const FAULTS: Array< {
	service: string;
	label: string;
	killAfter: Record< string, string >;
} > = [
	{
		service: 'bridge',
		label: 'the rest-bridge',
		killAfter: { upload: 'image-validated', deploy: 'image-pushed' },
	},
	{
		service: 'nats',
		label: 'NATS',
		killAfter: {
			upload: 'image-validation-started',
			deploy: 'image-push-started',
		},
	},
	{
		service: 's3',
		label: 'the S3 server',
		killAfter: {
			upload: 'temporary-image-stored',
			deploy: 'image-retrieval-started',
		},
	},
	{
		service: 'dynamodb',
		label: 'the DynamoDB server',
		killAfter: {
			upload: 'image-validation-started',
			deploy: 'manifest-retrieval-started',
		},
	},
	{
		service: 'registry',
		label: 'the OCI registry',
		killAfter: { upload: 'image-validated', deploy: 'image-push-started' },
	},
	{
		service: 'gitops',
		label: 'the GitOps git server',
		killAfter: {
			upload: 'image-validated',
			deploy: 'manifest-push-started',
		},
	},
	{
		service: 'wordpress',
		label: 'PHP (WordPress)',
		killAfter: { upload: 'image-scanned', deploy: 'deploy-list-updated' },
	},
	{
		service: 'mariadb',
		label: 'MariaDB',
		killAfter: { upload: 'image-scanned', deploy: 'manifest-pushed' },
	},
];

/** One driver per kind of job. */
const JOB_DRIVERS: JobDriver[] = [ uploadDriver, deployDriver ];

beforeAll( async () => {
	const image = await buildImage( {
		dir: work,
		layers: [
			{ '/srv/index.html': '<h1>faults</h1>\n' },
			{ '/srv/blob.bin': randomBytes( 4 * 1024 * 1024 ) },
		],
		config: { ports: [ '8080/tcp' ], entrypoint: [ '/bin/httpd' ] },
	} );
	await saveArchive( image, archive, 'faults:1.0' );
	// Data in every store before the first fault: an image in the registry, a commit in
	// the GitOps repository, and one finished job (S3, DynamoDB, JetStream, MariaDB).
	await registryPushAndCatalog( stack, 'faults/before' );
	await gitopsCloneAndPush( stack, `before-the-faults-${ Date.now() }.txt` );
	for ( const driver of JOB_DRIVERS ) {
		const job = await driver.start( probe, 'before-faults' );
		expect( ( await probe.waitForJob( job.jobId ) ).status ).toBe(
			'succeeded'
		);
	}
} );

afterAll( () => {
	probe.close();
	fs.rmSync( work, { recursive: true, force: true } );
} );

describe.each( JOB_DRIVERS )( 'a $kind job', ( driver ) => {
	it.each( FAULTS )(
		'finishes once when $label is killed in the middle, and nothing is lost',
		async ( { service, killAfter } ) => {
			const before = await probe.snapshot();
			const restartsBefore = probe.supervised( service ).restarts;
			const job: StartedJob = await driver.start(
				probe,
				`after-${ service }`
			);
			const live = await probe.followLive( job );
			try {
				const killPoint = killAfter[ driver.kind ];
				expect(
					killPoint,
					`a kill point for ${ driver.kind } jobs`
				).toBeDefined();
				await probe.waitForEvent( job.jobId, killPoint ?? '' );
				const killed = probe.kill( service );

				// The service comes back by itself, under a new pid.
				const back = await probe.waitForRestart( service, killed );
				expect( back.restarts ).toBe( restartsBefore + 1 );
				expect( back.pid ).not.toBe( killed.pid );

				// The job finishes, with every event exactly once.
				const finished = await probe.waitForJob( job.jobId );
				expect(
					finished.status,
					JSON.stringify( finished.error )
				).toBe( 'succeeded' );
				const events = await probe.jobEvents( job.jobId );
				expect( events.map( ( e ) => e.name ) ).toEqual(
					driver.events
				);
				expect( events.map( ( e ) => e.seq ) ).toEqual(
					driver.events.map( ( _, index ) => index + 1 )
				);
				// Nothing published twice: the event stream holds each seq once…
				expect( await probe.streamedSeqs( job ) ).toEqual(
					driver.events.map( ( _, index ) => index + 1 )
				);
				// …and WordPress applied each event once.
				expect( await probe.appliedSeqs( job.jobId ) ).toEqual(
					driver.events.map( ( _, index ) => index + 1 )
				);
				// Everything written before the fault is still there.
				const after = await probe.snapshot();
				expect( probe.expectKept( before, after ) ).toBe( true );

				// What the job leaves, and nothing half-done.
				await driver.checkFinished( probe, job, before, after );

				// The browser's live progress went on after the fault, on the same subscription.
				const lastEvent =
					driver.events[ driver.events.length - 1 ] ?? '';
				expect( await live.arrival( lastEvent ) ).toBeGreaterThan(
					killed.at
				);
				if ( service === 'nats' ) {
					expect( live.reconnects() ).toBeGreaterThan( 0 );
				}
			} finally {
				await live.close();
			}
		}
	);
} );

/** Mounts a small tmpfs over `dir`, keeping what the folder held; false where mounting is not allowed. */
async function mountSmallDisk( dir: string, size: string ) {
	const kept = fs.mkdtempSync( path.join( work, 'kept-' ) );
	fs.cpSync( dir, kept, { recursive: true } );
	try {
		await exec( 'mount', [
			'-t',
			'tmpfs',
			'-o',
			`size=${ size }`,
			'tmpfs',
			dir,
		] );
	} catch {
		return false;
	}
	fs.cpSync( kept, dir, { recursive: true } );
	return true;
}

/** Every file under `dir`, relative to it. */
function filesUnder( dir: string ): string[] {
	return fs
		.readdirSync( dir, { recursive: true, withFileTypes: true } )
		.filter( ( entry ) => entry.isFile() )
		.map( ( entry ) =>
			path.relative( dir, path.join( entry.parentPath, entry.name ) )
		)
		.sort();
}

describe( 'a slow disk', () => {
	it( 'holds an upload while the S3 server waits on its disk, and the upload then finishes once', async () => {
		const before = await probe.snapshot();
		const restartsBefore = probe.supervised( 's3' ).restarts;
		const job = await uploadDriver.start( probe, 'slow-disk' );
		const live = await probe.followLive( job );
		try {
			await probe.waitForEvent( job.jobId, 'image-received' );
			const stalledAt = Date.now();
			const pid = await probe.stall( 's3', 15_000 );

			const finished = await probe.waitForJob( job.jobId );
			expect( finished.status, JSON.stringify( finished.error ) ).toBe(
				'succeeded'
			);
			// Slow is not dead: the same process served the rest, nothing was restarted.
			expect( probe.supervised( 's3' ) ).toMatchObject( {
				pid,
				restarts: restartsBefore,
			} );
			const events = await probe.jobEvents( job.jobId );
			expect( events.map( ( e ) => e.name ) ).toEqual(
				uploadDriver.events
			);
			expect( await probe.appliedSeqs( job.jobId ) ).toEqual(
				uploadDriver.events.map( ( _, index ) => index + 1 )
			);
			const after = await probe.snapshot();
			expect( probe.expectKept( before, after ) ).toBe( true );
			await uploadDriver.checkFinished( probe, job, before, after );
			expect(
				await live.arrival( uploadDriver.events.at( -1 ) ?? '' )
			).toBeGreaterThan( stalledAt + 15_000 );
		} finally {
			await live.close();
		}
	} );
} );

describe( 'a full disk', () => {
	it( 'fails an upload that the S3 server cannot store with "no space left on …", leaving nothing half-written', async ( context ) => {
		// The temporary bucket gets a disk of its own, big enough for the archive's part but
		// not for the object S3 assembles from it.
		const bucketDir = path.join( stack.dataDir, 's3', 'orbit-temporary' );
		const filesBefore = filesUnder( bucketDir );
		const size = fs.statSync( archive ).size;
		const mounted = await mountSmallDisk(
			bucketDir,
			`${ Math.ceil( ( size * 1.5 ) / 1024 ) }k`
		);
		if ( ! mounted ) {
			context.skip( 'mounting a small tmpfs is not allowed here' );
		}
		try {
			const before = await probe.snapshot();
			const job = await uploadDriver.start( probe, 'disk-full' );
			const finished = await probe.waitForJob( job.jobId );
			expect( finished.status ).toBe( 'failed' );
			expect( finished.error?.message ).toMatch(
				/^The image could not be stored: no space left on the S3 server's disk for orbit-temporary\//
			);
			// The failure is told once, after the events of the steps that ran.
			const events = await probe.jobEvents( job.jobId );
			expect( events.map( ( e ) => e.name ) ).toEqual( [
				'upload-initiated',
				'upload-failed',
			] );
			expect( events.at( -1 )?.message ).toContain( 'no space left on' );
			expect( await probe.appliedSeqs( job.jobId ) ).toEqual( [ 1, 2 ] );
			// Nothing half-written: no object, no part, no post; everything else as it was.
			expect( filesUnder( bucketDir ) ).toEqual( filesBefore );
			const after = await probe.snapshot();
			expect( after.s3 ).toEqual( before.s3 );
			expect( after.mariadbApps ).toEqual( before.mariadbApps );
		} finally {
			// Lazily: the S3 server may still hold a file of the small disk open.
			await exec( 'umount', [ '--lazy', bucketDir ] );
		}
	} );
} );

describe( 'a permanent fault', () => {
	// Last: it leaves the S3 server given up.
	it( 'fails the job with a message naming the S3 server, which is given up while the rest keeps running', async () => {
		const restartsBefore = probe.supervised( 's3' ).restarts;
		const job = await uploadDriver.start( probe, 's3-gone' );
		const live = await probe.followLive( job );
		// Every restart of the S3 server fails: something else has taken its port.
		const port = Number( new URL( stack.s3.endpoint ).port );
		const squatter = net.createServer( ( socket ) => socket.destroy() );
		try {
			await probe.waitForEvent( job.jobId, 'image-received' );
			probe.kill( 's3' );
			await holdPort( squatter, port );

			const finished = await probe.waitForJob( job.jobId );
			expect( finished.status ).toBe( 'failed' );
			expect( finished.error?.message ).toContain(
				`S3 at ${ stack.s3.endpoint } did not answer`
			);
			const events = await probe.jobEvents( job.jobId );
			const names = events.map( ( e ) => e.name );
			expect( names.at( -1 ) ).toBe( 'upload-failed' );
			expect( new Set( names ).size ).toBe( names.length );
			expect( events.at( -1 )?.message ).toBe( finished.error?.message );
			expect( await probe.appliedSeqs( job.jobId ) ).toEqual(
				events.map( ( e ) => e.seq )
			);
			expect(
				await probe.sql(
					`SELECT ID FROM wp_posts WHERE post_type = 'orbit_app' AND post_name = '${ job.appName }'`
				)
			).toEqual( [] );
			expect( await live.arrival( 'upload-failed' ) ).toBeGreaterThan(
				0
			);

			// The supervisor gives up on S3 and keeps the rest running.
			const givenUp = await probe.waitForState( 's3', 'given-up' );
			// The first death came after a long run, then five quick ones in a row.
			expect( givenUp.restarts ).toBe( restartsBefore + 5 );
			for ( const { service } of FAULTS.filter(
				( fault ) => fault.service !== 's3'
			) ) {
				expect(
					await healthAnswers( probe.supervised( service ).health ),
					service
				).toBe( true );
			}
		} finally {
			squatter.close();
			await live.close();
		}
	} );
} );

/** Listens on `port` as soon as the killed process has let it go. */
async function holdPort( server: net.Server, port: number ) {
	const deadline = Date.now() + 900;
	for (;;) {
		try {
			await new Promise< void >( ( resolve, reject ) => {
				server.once( 'error', reject );
				server.listen( port, '127.0.0.1', () => {
					server.off( 'error', reject );
					resolve();
				} );
			} );
			return;
		} catch ( error ) {
			if ( Date.now() > deadline ) {
				throw error;
			}
			await new Promise( ( resolve ) => setTimeout( resolve, 20 ) );
		}
	}
}
