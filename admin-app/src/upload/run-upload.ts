/**
 * One upload from start to job: starts (or resumes) the multipart upload, sends the
 * parts, completes it with the app's details and returns the job id. React-free, so
 * the screen only renders what it reports.
 */

/**
 * Internal dependencies
 */
import {
	abortUpload,
	completeUpload,
	getUpload,
	startUpload,
} from '../api/rest';
import type { AppDetailsInput, PartUrl, UploadedPart } from '../api/types';
import { UploadAbortedError, uploadParts } from './multipart';
import { TransferRate } from './progress';
import {
	findUnfinishedUpload,
	forgetUpload,
	rememberPart,
	rememberUpload,
} from './resume';

export interface UploadReport {
	uploadId?: string;
	bytesDone?: number;
	bytesTotal?: number;
	bytesPerSecond?: number;
	secondsLeft?: number | null;
	resumedBytes?: number;
	phase?: 'uploading' | 'completing';
}

export interface RunUploadOptions {
	file: File;
	app: AppDetailsInput;
	/** The label of the version the upload adds to the app. */
	version: string;
	signal: AbortSignal;
	onReport: ( report: UploadReport ) => void;
	concurrency?: number;
	retryDelayMs?: number;
	now?: () => number;
}

interface Plan {
	uploadId: string;
	partSize: number;
	pending: PartUrl[];
	done: UploadedPart[];
}

/**
 * Continues this file's unfinished upload when the store still has it, else starts one.
 *
 * @param file    The archive.
 * @param app     The app's details (its name must match the unfinished upload's).
 * @param version The version label (it must match the unfinished upload's).
 */
async function plan(
	file: File,
	app: AppDetailsInput,
	version: string
): Promise< Plan > {
	const unfinished = findUnfinishedUpload( file );
	if (
		unfinished &&
		unfinished.appName === app.name &&
		unfinished.version === version
	) {
		try {
			const state = await getUpload( unfinished.uploadId );
			if (
				state.size === file.size &&
				( state.status ?? 'open' ) === 'open'
			) {
				// The storage's list wins; parts recorded here fill in for storage that
				// cannot list them (or lists none, as some S3-compatible servers do).
				const listed = new Map(
					state.uploadedParts.map( ( part ) => [
						part.partNumber,
						part,
					] )
				);
				for ( const part of unfinished.parts ?? [] ) {
					if ( ! listed.has( part.partNumber ) ) {
						listed.set( part.partNumber, part );
					}
				}
				const done = [ ...listed.values() ];
				const have = new Set( done.map( ( part ) => part.partNumber ) );
				return {
					uploadId: state.uploadId,
					partSize: state.partSize,
					pending: state.parts.filter(
						( part ) => ! have.has( part.partNumber )
					),
					done,
				};
			}
		} catch {
			// Expired or aborted meanwhile: start afresh below.
		}
		forgetUpload( file );
	}
	const session = await startUpload( {
		appName: app.name,
		version,
		filename: file.name,
		size: file.size,
	} );
	rememberUpload( file, {
		uploadId: session.uploadId,
		appName: app.name,
		version,
	} );
	return {
		uploadId: session.uploadId,
		partSize: session.partSize,
		pending: session.parts,
		done: [],
	};
}

/**
 * Cancels an upload on the server and forgets it, so the file starts afresh next time.
 *
 * @param file     The archive.
 * @param uploadId The upload to abort.
 */
async function cancelUpload( file: File, uploadId: string ) {
	forgetUpload( file );
	await abortUpload( uploadId );
}

/**
 * Runs the upload; resolves with the job that validates and publishes the image.
 *
 * @param options What to upload and where to report.
 */
export async function runUpload(
	options: RunUploadOptions
): Promise< string > {
	const {
		file,
		app,
		version,
		signal,
		onReport,
		now = () => Date.now(),
	} = options;
	const { uploadId, partSize, pending, done } = await plan(
		file,
		app,
		version
	);
	const resumedBytes = done.reduce( ( sum, part ) => sum + part.size, 0 );
	const rate = new TransferRate();
	rate.record( resumedBytes, now() );
	onReport( {
		uploadId,
		phase: 'uploading',
		bytesDone: resumedBytes,
		bytesTotal: file.size,
		resumedBytes,
		bytesPerSecond: 0,
		secondsLeft: null,
	} );
	let parts: UploadedPart[];
	try {
		if ( signal.aborted ) {
			throw new UploadAbortedError();
		}
		parts = await uploadParts( {
			file,
			partSize,
			pending,
			done,
			signal,
			concurrency: options.concurrency,
			retryDelayMs: options.retryDelayMs,
			onPartDone: ( part ) => rememberPart( file, part ),
			onProgress: ( bytesDone ) => {
				rate.record( bytesDone, now() );
				onReport( {
					bytesDone,
					bytesPerSecond: rate.bytesPerSecond(),
					secondsLeft: rate.secondsLeft( file.size - bytesDone ),
				} );
			},
		} );
	} catch ( error ) {
		if ( error instanceof UploadAbortedError && signal.aborted ) {
			// Cancelled: the parts already stored are thrown away, and the file starts afresh.
			await cancelUpload( file, uploadId );
		}
		throw error;
	}
	onReport( { phase: 'completing', secondsLeft: 0 } );
	const { jobId } = await completeUpload(
		uploadId,
		parts.map( ( { partNumber, etag } ) => ( { partNumber, etag } ) ),
		app
	);
	forgetUpload( file );
	return jobId;
}
