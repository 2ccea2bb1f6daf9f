/** The object storage the bridge needs (S3 in production and here), as jobs and routes see it. */
import type { Readable } from 'node:stream';

export interface UploadedPart {
	partNumber: number;
	etag: string;
	size: number;
}

/** The object storage the bridge needs, nothing more. */
export interface ObjectStore {
	createMultipartUpload: (
		bucket: string,
		key: string,
		contentType: string
	) => Promise< string >;
	/** A URL that accepts exactly `partLength` bytes as the part (the length is signed). */
	presignPart: (
		bucket: string,
		key: string,
		uploadId: string,
		partNumber: number,
		partLength: number,
		expiresInSeconds: number
	) => Promise< string >;
	/** The parts S3 holds, or undefined when the server cannot list them (some S3 stand-ins). */
	listParts: (
		bucket: string,
		key: string,
		uploadId: string
	) => Promise< UploadedPart[] | undefined >;
	completeMultipartUpload: (
		bucket: string,
		key: string,
		uploadId: string,
		parts: { partNumber: number; etag: string }[]
	) => Promise< void >;
	abortMultipartUpload: (
		bucket: string,
		key: string,
		uploadId: string
	) => Promise< void >;
	/** Size of an object, or undefined when it does not exist. */
	headObject: (
		bucket: string,
		key: string
	) => Promise< { size: number } | undefined >;
	getObjectStream: ( bucket: string, key: string ) => Promise< Readable >;
	/** `length` bytes of an object from `start` (a ranged GET). */
	getObjectRange: (
		bucket: string,
		key: string,
		start: number,
		length: number
	) => Promise< Readable >;
	getObjectText: (
		bucket: string,
		key: string
	) => Promise< string | undefined >;
	putObject: (
		bucket: string,
		key: string,
		body: string | Buffer,
		contentType: string
	) => Promise< void >;
	copyObject: (
		sourceBucket: string,
		sourceKey: string,
		bucket: string,
		key: string
	) => Promise< void >;
	deleteObject: ( bucket: string, key: string ) => Promise< void >;
	/** The keys under a prefix, in key order, at most `limit`. */
	listKeys: (
		bucket: string,
		prefix: string,
		limit: number
	) => Promise< string[] >;
	ensureBucket: (
		bucket: string,
		cors?: 'browser-upload'
	) => Promise< 'created' | 'exists' >;
	/**
	 * A lifecycle rule that aborts multipart uploads left incomplete `days` after they began;
	 * reports what it did (some S3 stand-ins have no lifecycle rules).
	 */
	abortIncompleteUploadsAfter: (
		bucket: string,
		days: number
	) => Promise< string >;
	ping: ( bucket: string ) => Promise< void >;
	close: () => void;
}
