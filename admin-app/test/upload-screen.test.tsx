import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';

import type { Job, OrbitEvent } from '../src/api/types';
import { UploadScreen } from '../src/screens/upload';
import {
	fileFingerprint,
	rememberPart,
	rememberUpload,
} from '../src/upload/resume';
import { rest, server } from './support/msw-server';
import { dockerArchive } from './support/tar';

const STORE = 'http://storage.test/orbit-temporary/uploads/hello-web.tar';
const PART_SIZE = 16 * 1024;
const JOB_ID = 'job-7f3a';

function archiveFile() {
	const bytes = dockerArchive( {
		ports: [ '8080/tcp' ],
		size: PART_SIZE * 3 - 1000,
		reference: 'example.test/hello-web:1.0',
	} );
	return new File( [ bytes ], 'hello-web.tar', {
		type: 'application/x-tar',
		lastModified: 1_700_000_000_000,
	} );
}

const partUrls = ( numbers: number[] ) =>
	numbers.map( ( partNumber ) => ( {
		partNumber,
		url: `${ STORE }?partNumber=${ partNumber }&uploadId=up-1`,
	} ) );

const event = (
	seq: number,
	name: string,
	step: string,
	outcome: OrbitEvent[ 'outcome' ],
	message?: string
): OrbitEvent => ( {
	jobId: JOB_ID,
	seq,
	name,
	step,
	outcome,
	appName: 'hello-web',
	environment: 'dev',
	actor: { id: 2, login: 'operator' },
	time: new Date( 1_800_000_000_000 + seq * 1000 ).toISOString(),
	...( message ? { message } : {} ),
	data: {},
} );

interface BackendOptions {
	/** Parts the storage already has. */
	uploaded?: number[];
	/** Storage that cannot list parts (s3rver): every part is offered again. */
	unlisted?: boolean;
	/** The job ends failed instead of succeeded. */
	jobFails?: boolean;
	/** Part uploads never answer (to cancel mid-way). */
	holdParts?: boolean;
	/** The app already has the version label sent. */
	versionTaken?: boolean;
}

/**
 * The REST API and the storage as the console meets them. Returns what they saw.
 *
 * @param options Variations: which parts the storage already has, how the job ends.
 */
function backend( options: BackendOptions = {} ) {
	const seen = {
		started: 0,
		startBody: null as null | Record< string, unknown >,
		resumedWith: [] as string[],
		putParts: [] as number[],
		completeBody: null as null | Record< string, any >,
		aborted: [] as string[],
		jobPolls: 0,
	};
	const size = archiveFile().size;
	const partCount = Math.ceil( size / PART_SIZE );
	const all = Array.from( { length: partCount }, ( _, index ) => index + 1 );
	const uploaded = options.uploaded ?? [];
	const finalEvents = options.jobFails
		? [
				event( 3, 'image-validation-started', 'validate', 'started' ),
				event(
					4,
					'image-validation-failed',
					'validate',
					'failed',
					'The archive has a layer whose path escapes the root (../etc/passwd). Rebuild the image without it.'
				),
			]
		: [
				event( 3, 'image-validated', 'validate', 'succeeded' ),
				event( 4, 'upload-completed', 'publish', 'succeeded' ),
			];
	server.use(
		http.get( rest( '/wp/v2/orbit_category' ), () =>
			HttpResponse.json( [ { id: 3, name: 'Web', slug: 'web' } ] )
		),
		http.post( rest( '/k8or-orbit/v1/uploads' ), async ( { request } ) => {
			seen.started++;
			const body = ( await request.json() ) as {
				appName: string;
				version: string;
				size: number;
			};
			seen.startBody = body;
			expect( body ).toMatchObject( {
				appName: 'hello-web',
				filename: 'hello-web.tar',
				size,
			} );
			if ( options.versionTaken ) {
				return HttpResponse.json(
					{
						code: 'orbit_version_exists',
						message: `hello-web already has a version ${ body.version }; give this upload a new version label.`,
					},
					{ status: 409 }
				);
			}
			return HttpResponse.json(
				{
					uploadId: 'up-1',
					key: 'uploads/hello-web.tar',
					partSize: PART_SIZE,
					partCount,
					parts: partUrls( all ),
					expiresAt: '2030-01-01T00:00:00Z',
				},
				{ status: 201 }
			);
		} ),
		http.get( rest( '/k8or-orbit/v1/uploads/:id' ), ( { params } ) => {
			seen.resumedWith.push( String( params.id ) );
			const listed = options.unlisted ? [] : uploaded;
			return HttpResponse.json( {
				uploadId: 'up-1',
				size,
				partSize: PART_SIZE,
				status: 'open',
				partsListed: ! options.unlisted,
				uploadedParts: listed.map( ( partNumber ) => ( {
					partNumber,
					etag: `"etag-${ partNumber }"`,
					size: PART_SIZE,
				} ) ),
				parts: partUrls(
					all.filter( ( n ) => ! listed.includes( n ) )
				),
			} );
		} ),
		// apiFetch sends DELETE as POST with X-HTTP-Method-Override, as WordPress expects.
		http.post(
			rest( '/k8or-orbit/v1/uploads/:id' ),
			( { params, request } ) => {
				expect( request.headers.get( 'X-HTTP-Method-Override' ) ).toBe(
					'DELETE'
				);
				seen.aborted.push( String( params.id ) );
				return new HttpResponse( null, { status: 204 } );
			}
		),
		http.put( STORE, async ( { request } ) => {
			const partNumber = Number(
				new URL( request.url ).searchParams.get( 'partNumber' )
			);
			await request.arrayBuffer();
			if ( options.holdParts ) {
				await delay( 'infinite' );
			}
			seen.putParts.push( partNumber );
			return new HttpResponse( null, {
				headers: { ETag: `"etag-${ partNumber }"` },
			} );
		} ),
		http.post(
			rest( '/k8or-orbit/v1/uploads/:id/complete' ),
			async ( { request } ) => {
				seen.completeBody = ( await request.json() ) as Record<
					string,
					any
				>;
				return HttpResponse.json( { jobId: JOB_ID }, { status: 202 } );
			}
		),
		// No live link in this test: the console falls back to polling the job.
		http.get( rest( '/k8or-orbit/v1/live' ), () =>
			HttpResponse.json(
				{
					code: 'orbit_live_unavailable',
					message: 'The NATS websocket URL is not configured.',
				},
				{ status: 503 }
			)
		),
		http.get( rest( `/k8or-orbit/v1/jobs/${ JOB_ID }` ), () => {
			seen.jobPolls++;
			const done = seen.jobPolls > 1;
			let ending: 'running' | 'failed' | 'succeeded' = 'running';
			if ( done ) {
				ending = options.jobFails ? 'failed' : 'succeeded';
			}
			const job: Job = {
				jobId: JOB_ID,
				kind: 'upload',
				appName: 'hello-web',
				environment: 'dev',
				status: ending,
				steps: [
					{ name: 'receive', status: 'done' },
					{
						name: 'validate',
						status: done && ! options.jobFails ? 'done' : 'running',
					},
					{
						name: 'publish',
						status: done && ! options.jobFails ? 'done' : 'pending',
					},
				],
			};
			return HttpResponse.json( job );
		} ),
		http.get( rest( `/k8or-orbit/v1/jobs/${ JOB_ID }/events` ), () => {
			const events = [
				event( 1, 'image-received', 'receive', 'succeeded' ),
				event( 2, 'image-validation-started', 'validate', 'started' ),
			];
			return HttpResponse.json( {
				items: ( seen.jobPolls > 1
					? [ ...events, ...finalEvents ]
					: events
				).reverse(),
				nextCursor: null,
			} );
		} )
	);
	return seen;
}

async function chooseArchive(
	user: ReturnType< typeof userEvent.setup >,
	file = archiveFile()
) {
	await user.upload( screen.getByLabelText( /Image archive/ ), file );
	await waitFor( () =>
		expect( screen.getByLabelText( 'Container port' ) ).toHaveProperty(
			'value',
			'8080'
		)
	);
	return file;
}

const progressText = () =>
	document.querySelector( '.k8or-orbit-progress__text' )?.textContent ?? '';

describe( 'Upload screen', () => {
	it( 'checks the archive, prefills name and port, uploads every part, completes with the inputs and shows the job steps turning done', async () => {
		const seen = backend();
		const user = userEvent.setup();
		const { container } = render(
			<UploadScreen environments={ [ 'dev', 'test', 'prod' ] } />
		);
		const file = await chooseArchive( user );
		expect( screen.getByLabelText( 'Name' ) ).toHaveProperty(
			'value',
			'hello-web'
		);
		// The version label comes from the archive's tag until the user types another.
		expect( screen.getByLabelText( 'Version' ) ).toHaveProperty(
			'value',
			'1.0'
		);
		expect(
			within( container ).getByText(
				/docker-archive.*linux\/amd64, ports: 8080\/tcp/
			)
		).toBeTruthy();

		await user.selectOptions( screen.getByLabelText( 'Category' ), 'web' );
		await user.clear( screen.getByLabelText( 'Replicas' ) );
		await user.type( screen.getByLabelText( 'Replicas' ), '2' );
		await user.click(
			screen.getByRole( 'button', { name: 'Add variable' } )
		);
		await user.type(
			screen.getByLabelText( 'Variable 1 name' ),
			'LOG_LEVEL'
		);
		await user.type( screen.getByLabelText( 'Variable 1 value' ), 'debug' );
		await user.click( screen.getByRole( 'button', { name: 'Upload' } ) );

		await waitFor( () => expect( seen.completeBody ).not.toBeNull() );
		expect( seen.startBody?.version ).toBe( '1.0' );
		expect( seen.putParts.sort() ).toEqual( [ 1, 2, 3 ] );
		expect( seen.completeBody ).toEqual( {
			parts: [ 1, 2, 3 ].map( ( partNumber ) => ( {
				partNumber,
				etag: `"etag-${ partNumber }"`,
			} ) ),
			app: {
				name: 'hello-web',
				title: 'hello-web',
				description: '',
				category: 'web',
				environment: 'dev',
				deployInputs: {
					replicas: 2,
					containerPort: 8080,
					resources: {
						requests: { cpu: '100m', memory: '128Mi' },
						limits: { cpu: '500m', memory: '256Mi' },
					},
					env: { LOG_LEVEL: 'debug' },
				},
			},
		} );
		const bar = screen.getByRole( 'progressbar', {
			name: 'Upload progress',
		} ) as HTMLProgressElement;
		expect( bar.value ).toBe( file.size );
		expect( bar.max ).toBe( file.size );
		const kb = `${ ( file.size / 1024 ).toFixed( 1 ) } KB`;
		expect( progressText() ).toMatch(
			new RegExp( `^100 % — ${ kb } of ${ kb }` )
		);

		// The steps: first as the job reports them while running, then all done.
		const steps = await waitFor( () => {
			const list = container.querySelector< HTMLElement >(
				'.k8or-orbit-job__steps'
			);
			expect( list?.querySelectorAll( '[data-status]' ) ).toHaveLength(
				3
			);
			return list as HTMLElement;
		} );
		expect(
			await within( container ).findByText( /live link is unavailable/ )
		).toBeTruthy();
		await waitFor(
			() =>
				expect(
					within( container ).getByText( 'The job finished.' )
				).toBeTruthy(),
			{ timeout: 8000 }
		);
		expect(
			[ ...steps.querySelectorAll( '[data-status]' ) ].map( ( step ) =>
				step.getAttribute( 'data-status' )
			)
		).toEqual( [ 'succeeded', 'succeeded', 'succeeded' ] );
		// Nothing is left to resume.
		expect(
			window.localStorage.getItem( 'k8or-orbit:unfinished-uploads' )
		).toBe( '{}' );
	} );

	it( 'resumes an unfinished upload of the same file: only the missing parts go up', async () => {
		const seen = backend( { uploaded: [ 1, 2 ] } );
		const file = archiveFile();
		rememberUpload( file, {
			uploadId: 'up-1',
			appName: 'hello-web',
			version: '1.0',
		} );
		const user = userEvent.setup();
		const { container } = render(
			<UploadScreen environments={ [ 'dev' ] } />
		);
		await chooseArchive( user, file );
		expect(
			within( container ).getByText(
				/uploaded before\. Uploading continues where it stopped/
			)
		).toBeTruthy();
		await user.click( screen.getByRole( 'button', { name: 'Upload' } ) );
		await waitFor( () => expect( seen.completeBody ).not.toBeNull() );
		expect( seen.started ).toBe( 0 );
		expect( seen.resumedWith ).toEqual( [ 'up-1' ] );
		expect( seen.putParts ).toEqual( [ 3 ] );
		expect( seen.completeBody?.parts ).toHaveLength( 3 );
		expect( progressText() ).toMatch(
			/100 %.*resumed with 32\.0 KB already uploaded/
		);
	} );

	it( 'resumes from the parts recorded in the browser when the storage cannot list them', async () => {
		const seen = backend( { uploaded: [ 1, 2 ], unlisted: true } );
		const file = archiveFile();
		rememberUpload( file, {
			uploadId: 'up-1',
			appName: 'hello-web',
			version: '1.0',
		} );
		for ( const partNumber of [ 1, 2 ] ) {
			rememberPart( file, {
				partNumber,
				etag: `"etag-${ partNumber }"`,
				size: PART_SIZE,
			} );
		}
		const user = userEvent.setup();
		render( <UploadScreen environments={ [ 'dev' ] } /> );
		await chooseArchive( user, file );
		await user.click( screen.getByRole( 'button', { name: 'Upload' } ) );
		await waitFor( () => expect( seen.completeBody ).not.toBeNull() );
		expect( seen.putParts ).toEqual( [ 3 ] );
		expect( seen.completeBody?.parts ).toEqual(
			[ 1, 2, 3 ].map( ( partNumber ) => ( {
				partNumber,
				etag: `"etag-${ partNumber }"`,
			} ) )
		);
	} );

	it( 'records each stored part, so a reload can skip it', async () => {
		backend( { holdParts: false } );
		const user = userEvent.setup();
		render( <UploadScreen environments={ [ 'dev' ] } /> );
		const file = await chooseArchive( user );
		const recorded: number[][] = [];
		const setItem = Storage.prototype.setItem;
		Storage.prototype.setItem = function ( key: string, value: string ) {
			const record = JSON.parse( value )[ fileFingerprint( file ) ];
			if ( record?.parts ) {
				recorded.push(
					record.parts
						.map(
							( part: { partNumber: number } ) => part.partNumber
						)
						.sort()
				);
			}
			return setItem.call( this, key, value );
		};
		try {
			await user.click(
				screen.getByRole( 'button', { name: 'Upload' } )
			);
			await waitFor( () =>
				expect( recorded.at( -1 ) ).toEqual( [ 1, 2, 3 ] )
			);
		} finally {
			Storage.prototype.setItem = setItem;
		}
		expect( recorded[ 0 ] ).toHaveLength( 1 );
	} );

	it( 'cancels: the upload is aborted on the server and forgotten', async () => {
		const seen = backend( { holdParts: true } );
		const user = userEvent.setup();
		const { container } = render(
			<UploadScreen environments={ [ 'dev' ] } />
		);
		await chooseArchive( user );
		await user.click( screen.getByRole( 'button', { name: 'Upload' } ) );
		await user.click(
			await screen.findByRole( 'button', { name: 'Cancel upload' } )
		);
		await waitFor( () => expect( seen.aborted ).toEqual( [ 'up-1' ] ) );
		expect(
			within( container ).getByText( /upload was cancelled/ )
		).toBeTruthy();
		expect( seen.completeBody ).toBeNull();
		expect(
			window.localStorage.getItem( 'k8or-orbit:unfinished-uploads' )
		).toBe( '{}' );
	} );

	it( 'shows the failed step with its message', async () => {
		backend( { jobFails: true } );
		const user = userEvent.setup();
		const { container } = render(
			<UploadScreen environments={ [ 'dev' ] } />
		);
		await chooseArchive( user );
		await user.click( screen.getByRole( 'button', { name: 'Upload' } ) );
		const failed = await within( container ).findByText(
			/path escapes the root/,
			{},
			{ timeout: 8000 }
		);
		expect(
			failed.closest( '[data-status]' )?.getAttribute( 'data-status' )
		).toBe( 'failed' );
		expect(
			within( container ).getByText( /The job failed/ )
		).toBeTruthy();
	} );

	it( 'refuses a file that is not an image archive, with what to do', async () => {
		backend();
		const user = userEvent.setup();
		const { container } = render(
			<UploadScreen environments={ [ 'dev' ] } />
		);
		await user.upload(
			screen.getByLabelText( /Image archive/ ),
			new File( [ 'just text '.repeat( 100 ) ], 'notes.tar' )
		);
		expect(
			await within( container ).findByText(
				/not a tar archive.*docker save or skopeo/
			)
		).toBeTruthy();
		expect(
			(
				screen.getByRole( 'button', {
					name: 'Upload',
				} ) as HTMLButtonElement
			 ).getAttribute( 'aria-disabled' )
		).toBe( 'true' );
	} );

	it( 'explains an invalid name and blocks the upload until it is fixed', async () => {
		backend();
		const user = userEvent.setup();
		const { container } = render(
			<UploadScreen environments={ [ 'dev' ] } />
		);
		await chooseArchive( user );
		await user.clear( screen.getByLabelText( 'Name' ) );
		await user.type( screen.getByLabelText( 'Name' ), 'Hello_Web' );
		expect(
			within( container ).getByText(
				/Use lower-case letters, digits and hyphens/
			)
		).toBeTruthy();
		expect(
			screen
				.getByRole( 'button', { name: 'Upload' } )
				.getAttribute( 'aria-disabled' )
		).toBe( 'true' );
		within( document.body );
	} );

	it( 'sends the version label typed, explains a bad one, and shows the refusal of a taken one before any part goes up', async () => {
		const seen = backend( { versionTaken: true } );
		const user = userEvent.setup();
		const { container } = render(
			<UploadScreen environments={ [ 'dev' ] } />
		);
		await chooseArchive( user );
		const version = screen.getByLabelText( 'Version' );
		await user.clear( version );
		await user.type( version, '../1.0' );
		expect(
			within( container ).getByText(
				/Use letters, digits, dots, dashes and underscores/
			)
		).toBeTruthy();
		expect(
			screen
				.getByRole( 'button', { name: 'Upload' } )
				.getAttribute( 'aria-disabled' )
		).toBe( 'true' );

		await user.clear( version );
		await user.type( version, '1.0.1' );
		await user.click( screen.getByRole( 'button', { name: 'Upload' } ) );
		expect(
			await within( container ).findByText(
				'hello-web already has a version 1.0.1; give this upload a new version label.'
			)
		).toBeTruthy();
		expect( seen.startBody?.version ).toBe( '1.0.1' );
		expect( seen.putParts ).toEqual( [] );
		expect( seen.completeBody ).toBeNull();
	} );
} );
