import type { Actor } from '../events/event.js';

/** A multipart upload the browser sends parts to, from start to its job. */
export interface UploadSession {
	uploadId: string;
	s3UploadId: string;
	bucket: string;
	key: string;
	appName: string;
	/** The version label the upload adds to the app. */
	version: string;
	filename: string;
	size: number;
	partSize: number;
	partCount: number;
	actor: Actor;
	status: 'open' | 'completing' | 'aborted';
	jobId?: string;
	createdAt: string;
}

/** The upload-session store's operations, each one conditional write. */
export interface UploadSessions {
	create: ( session: UploadSession ) => Promise< void >;
	get: ( uploadId: string ) => Promise< UploadSession | undefined >;
	/**
	 * Fixes the job of an open session that has none yet and marks it
	 * completing; undefined when it was completed or cancelled before.
	 */
	claimCompletion: (
		uploadId: string,
		jobId: string
	) => Promise< UploadSession | undefined >;
	/** Cancels a session that has no job yet; false when it has one. */
	abort: ( uploadId: string ) => Promise< boolean >;
	/** One page of the sessions created before `cutoff` (ISO time); `next` continues. */
	listCreatedBefore: (
		cutoff: string,
		limit: number,
		next?: Record< string, unknown >
	) => Promise< {
		sessions: UploadSession[];
		next?: Record< string, unknown >;
	} >;
	/**
	 * Removes a session that still has `status` (an open one only while it has no job);
	 * false when it changed meanwhile.
	 */
	remove: (
		uploadId: string,
		status: UploadSession[ 'status' ]
	) => Promise< boolean >;
}
