/**
 * Browser upload: an operator uploads an image archive through the console in Chromium (parts
 * straight to S3 in parallel, as a user does it), timed from the click on "Upload" to the
 * progress bar at 100 %. The baseline is `aws s3 cp` (Debian's awscli, its default multipart
 * settings) of the same file to the same S3 server, measured in the same run. Goal: ≥ 0.7×.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { buildImage, saveArchive } from '../scripts/lib/images.mjs';
import { launchChromium, logIn } from './lib/browser.mjs';
import { MiB, interleave, median, result } from './lib/measure.mjs';

const GOAL_RATIO = 0.7;
/** Debian's awscli, the baseline the goal names (not another aws on the PATH). */
const AWS_CLI = '/usr/bin/aws';

/**
 * Builds an image with one layer of random bytes (incompressible, as most layers are).
 *
 * @param {string} dir   working folder
 * @param {number} bytes size of the layer's one file
 * @return {Promise<string>} the archive
 */
async function buildArchive( dir, bytes ) {
	const image = await buildImage( {
		dir,
		layers: [ { '/srv/payload.bin': randomBytes( bytes ) } ],
		config: { ports: [ '8080/tcp' ] },
	} );
	return saveArchive(
		image,
		path.join( dir, 'bench-upload.tar' ),
		'example.test/bench-upload:1.0'
	);
}

/**
 * One upload through the console, timed from the click to "100 %"; then waits for its job
 * to end, so that the job's work does not slow the next measurement.
 *
 * @param {Object} page    a Playwright page, logged in as an operator
 * @param {Object} stack   the running stack
 * @param {string} archive the file
 * @param {string} appName a new app's name
 * @return {Promise<number>} milliseconds
 */
async function uploadOnConsole( page, stack, archive, appName ) {
	await page.goto( 'about:blank' );
	await page.goto(
		`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#upload`
	);
	await page.locator( '#k8or-orbit-archive' ).setInputFiles( archive );
	await page.getByLabel( 'Name' ).fill( appName );
	const upload = page
		.locator( 'form' )
		.getByRole( 'button', { name: 'Upload', exact: true } );
	await upload.waitFor( { timeout: 60000 } );
	const startedAt = performance.now();
	await upload.click();
	await page
		.locator( '.k8or-orbit-progress__text' )
		.getByText( '100 %' )
		.waitFor( { timeout: 600000 } );
	const elapsed = performance.now() - startedAt;
	await page
		.locator( '.k8or-orbit-job' )
		.getByText( /The job (finished|failed)/ )
		.waitFor( { timeout: 600000 } );
	return elapsed;
}

/**
 * `aws s3 cp` of the file to the stack's S3 server, timed; the object is removed afterwards.
 *
 * @param {Object} stack   the running stack
 * @param {string} archive the file
 * @param {string} key     object key in the temporary bucket
 * @return {Promise<number>} milliseconds
 */
async function awsCopy( stack, archive, key ) {
	const target = `s3://${ stack.s3.bucketPrefix }temporary/${ key }`;
	const aws = ( args ) =>
		new Promise( ( resolve, reject ) => {
			const child = spawn(
				AWS_CLI,
				[
					...args,
					'--endpoint-url',
					stack.s3.endpoint,
					'--region',
					stack.s3.region,
					'--only-show-errors',
				],
				{
					env: {
						...process.env,
						AWS_ACCESS_KEY_ID: stack.s3.accessKeyId,
						AWS_SECRET_ACCESS_KEY: stack.s3.secretAccessKey,
						AWS_CONFIG_FILE: '/dev/null',
						AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
					},
					stdio: [ 'ignore', 'ignore', 'pipe' ],
				}
			);
			let errors = '';
			child.stderr.on( 'data', ( chunk ) => ( errors += chunk ) );
			child.on( 'error', reject );
			child.on( 'close', ( code ) =>
				code === 0
					? resolve()
					: reject(
							new Error(
								`aws ${ args.join( ' ' ) } exited ${ code }: ${ errors.slice( -2000 ) }`
							)
						)
			);
		} );
	const startedAt = performance.now();
	await aws( [ 's3', 'cp', archive, target ] );
	const elapsed = performance.now() - startedAt;
	await aws( [ 's3', 'rm', target ] );
	return elapsed;
}

export default {
	name: 'upload',
	title: 'Browser upload vs aws s3 cp',
	needs: {
		stack: true,
		programs: {
			chromium: 'chromium',
			[ AWS_CLI ]: 'awscli',
			umoci: 'umoci',
			skopeo: 'skopeo',
		},
	},
	async run( { stack, tmpDir, smoke } ) {
		const bytes = smoke ? 12 * MiB : 500 * 1000 * 1000;
		const rounds = smoke ? 1 : 3;
		const dir = fs.mkdtempSync( path.join( tmpDir, 'upload-' ) );
		const archive = await buildArchive( dir, bytes );
		const size = fs.statSync( archive ).size;
		const operator = stack.wordpress.users.find(
			( { role } ) => role === 'orbit_operator'
		);
		const run = Date.now().toString( 36 );
		const browser = await launchChromium();
		try {
			const page = await browser.newPage();
			await logIn( page, stack, operator );
			let round = 0;
			let copies = 0;
			const times = await interleave( rounds, {
				browser: () =>
					uploadOnConsole(
						page,
						stack,
						archive,
						`bench-upload-${ run }-${ ++round }`
					),
				aws: () =>
					awsCopy(
						stack,
						archive,
						`bench-upload/${ run }-${ ++copies }.tar`
					),
			} );
			const mibPerSecond = ( ms ) => size / MiB / ( ms / 1000 );
			const browserRate = mibPerSecond( median( times.browser ) );
			const awsRate = mibPerSecond( median( times.aws ) );
			return [
				result( {
					name: 'browser upload',
					value: browserRate,
					unit: 'MiB/s',
					baseline: awsRate,
					goal: `≥ ${ GOAL_RATIO }×`,
					ok: browserRate / awsRate >= GOAL_RATIO,
					note: `${ ( size / MiB ).toFixed( 0 ) } MiB archive, median of ${ rounds }; console in Chromium (click to 100 %) vs aws s3 cp to the same S3 server (baseline)`,
				} ),
			];
		} finally {
			await browser.close();
			fs.rmSync( dir, { recursive: true, force: true } );
		}
	},
};
