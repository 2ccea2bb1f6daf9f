/**
 * Sends an archive's parts straight to the object store through presigned URLs, several
 * at a time, retrying a failed part a few times before giving up.
 */

/**
 * Internal dependencies
 */
import type { PartUrl, UploadedPart } from '../api/types';

export interface PartUploadOptions {
	file: Blob;
	partSize: number;
	/** Parts still to send, with their presigned URLs. */
	pending: PartUrl[];
	/** Parts the store already holds (after a resume). */
	done: UploadedPart[];
	concurrency?: number;
	maxAttempts?: number;
	/** Pause before retry n is n times this (ms). */
	retryDelayMs?: number;
	signal: AbortSignal;
	/** Called with the bytes the store holds plus the bytes of parts in flight. */
	onProgress: ( bytesDone: number ) => void;
	/** Called for each part the store accepted. */
	onPartDone?: ( part: UploadedPart ) => void;
}

export class PartUploadError extends Error {
	constructor(
		readonly partNumber: number,
		readonly attempts: number,
		reason: string
	) {
		super( reason );
		this.name = 'PartUploadError';
	}
}

export class UploadAbortedError extends Error {
	constructor() {
		super( 'The upload was cancelled.' );
		this.name = 'AbortError';
	}
}

/**
 * The byte range of a part (part numbers start at 1, the last part may be short).
 *
 * @param file       The archive.
 * @param partSize   Size of every part but the last.
 * @param partNumber 1-based part number.
 */
export function partBlob( file: Blob, partSize: number, partNumber: number ) {
	const start = ( partNumber - 1 ) * partSize;
	return file.slice( start, Math.min( start + partSize, file.size ) );
}

/**
 * PUTs one part. XMLHttpRequest, because fetch reports no upload progress.
 *
 * @param url        Presigned URL.
 * @param body       The part's bytes.
 * @param signal     Aborts the request.
 * @param onProgress Bytes of this part sent so far.
 */
function putPart(
	url: string,
	body: Blob,
	signal: AbortSignal,
	onProgress: ( loaded: number ) => void
): Promise< string > {
	return new Promise( ( resolve, reject ) => {
		const request = new XMLHttpRequest();
		// Settle at once rather than waiting for the request's abort event.
		const onAbort = () => {
			request.abort();
			reject( new UploadAbortedError() );
		};
		request.open( 'PUT', url );
		request.upload.onprogress = ( event ) => onProgress( event.loaded );
		request.onload = () => {
			signal.removeEventListener( 'abort', onAbort );
			// The object store must expose ETag through CORS; without it the part cannot
			// be named when the upload completes.
			const etag = request.getResponseHeader( 'ETag' );
			if ( request.status >= 200 && request.status < 300 && etag ) {
				resolve( etag );
			} else if ( request.status >= 200 && request.status < 300 ) {
				reject(
					new Error(
						'The storage answered without an ETag header; its CORS settings must expose ETag.'
					)
				);
			} else {
				reject(
					new Error(
						`The storage answered HTTP ${ request.status }.`
					)
				);
			}
		};
		request.onerror = () => {
			signal.removeEventListener( 'abort', onAbort );
			reject( new Error( 'The connection to the storage failed.' ) );
		};
		// The browser also aborts requests when the page unloads; only our signal means
		// the user cancelled (a reload must leave the upload resumable).
		request.onabort = () => {
			signal.removeEventListener( 'abort', onAbort );
			reject(
				signal.aborted
					? new UploadAbortedError()
					: new Error( 'The request to the storage was interrupted.' )
			);
		};
		signal.addEventListener( 'abort', onAbort );
		request.send( body );
	} );
}

const pause = ( ms: number, signal: AbortSignal ) =>
	new Promise< void >( ( resolve, reject ) => {
		const timer = setTimeout( resolve, ms );
		signal.addEventListener(
			'abort',
			() => {
				clearTimeout( timer );
				reject( new UploadAbortedError() );
			},
			{ once: true }
		);
	} );

/**
 * Uploads the pending parts and returns every part (done before and now), in order.
 *
 * @param options Upload options.
 */
export async function uploadParts(
	options: PartUploadOptions
): Promise< UploadedPart[] > {
	const {
		file,
		partSize,
		pending,
		done,
		concurrency = 4,
		maxAttempts = 3,
		retryDelayMs = 1000,
		signal,
		onProgress,
		onPartDone,
	} = options;
	const finished = new Map< number, UploadedPart >(
		done.map( ( part ) => [ part.partNumber, part ] )
	);
	const inFlight = new Map< number, number >();
	const report = () => {
		let bytes = 0;
		finished.forEach( ( part ) => ( bytes += part.size ) );
		inFlight.forEach( ( loaded ) => ( bytes += loaded ) );
		onProgress( Math.min( bytes, file.size ) );
	};
	const queue = [ ...pending ].sort(
		( a, b ) => a.partNumber - b.partNumber
	);
	// One part failing for good stops the others' requests too.
	const stop = new AbortController();
	const stopOnAbort = () => stop.abort();
	signal.addEventListener( 'abort', stopOnAbort );

	const sendWithRetries = async ( part: PartUrl ) => {
		const body = partBlob( file, partSize, part.partNumber );
		for ( let attempt = 1; ; attempt++ ) {
			if ( stop.signal.aborted ) {
				throw new UploadAbortedError();
			}
			try {
				const etag = await putPart(
					part.url,
					body,
					stop.signal,
					( loaded ) => {
						inFlight.set( part.partNumber, loaded );
						report();
					}
				);
				inFlight.delete( part.partNumber );
				const stored = {
					partNumber: part.partNumber,
					etag,
					size: body.size,
				};
				finished.set( part.partNumber, stored );
				onPartDone?.( stored );
				report();
				return;
			} catch ( error ) {
				inFlight.delete( part.partNumber );
				report();
				if ( error instanceof UploadAbortedError ) {
					throw error;
				}
				if ( attempt >= maxAttempts ) {
					throw new PartUploadError(
						part.partNumber,
						attempt,
						`Part ${ part.partNumber } failed after ${ attempt } attempts: ${
							( error as Error ).message
						}`
					);
				}
				await pause( retryDelayMs * attempt, stop.signal );
			}
		}
	};

	const worker = async () => {
		for ( let part = queue.shift(); part; part = queue.shift() ) {
			await sendWithRetries( part );
		}
	};
	report();
	const workers = Array.from(
		{ length: Math.max( 1, Math.min( concurrency, queue.length ) ) },
		worker
	);
	try {
		await Promise.all( workers );
	} catch ( error ) {
		queue.length = 0;
		stop.abort();
		// A part that failed for good says more than the aborts it caused.
		throw signal.aborted ? new UploadAbortedError() : error;
	} finally {
		signal.removeEventListener( 'abort', stopOnAbort );
	}
	return [ ...finished.values() ].sort(
		( a, b ) => a.partNumber - b.partNumber
	);
}
