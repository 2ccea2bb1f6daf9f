import {
	AbortMultipartUploadCommand,
	CompleteMultipartUploadCommand,
	CopyObjectCommand,
	CreateBucketCommand,
	CreateMultipartUploadCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	HeadBucketCommand,
	HeadObjectCommand,
	ListObjectsV2Command,
	ListPartsCommand,
	PutBucketCorsCommand,
	PutBucketLifecycleConfigurationCommand,
	PutObjectCommand,
	S3Client,
	UploadPartCommand,
	type Part,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import type { BridgeConfig } from '../config.js';
import { nameServiceWhenUnreachable } from './unreachable.js';
import type { ObjectStore, UploadedPart } from './object-store.js';

function isNotFound( error: unknown ): boolean {
	const e = error as {
		name?: string;
		$metadata?: { httpStatusCode?: number };
	};
	return (
		e?.name === 'NotFound' ||
		e?.name === 'NoSuchKey' ||
		e?.name === 'NoSuchUpload' ||
		e?.$metadata?.httpStatusCode === 404
	);
}

export function createS3Client( config: BridgeConfig[ 's3' ] ): S3Client {
	const client = new S3Client( {
		region: config.region,
		forcePathStyle: config.forcePathStyle,
		// Otherwise the SDK signs a CRC32 of an empty body into presigned part URLs, and S3
		// refuses the browser's PUT of the real part; checksums only where an operation needs one.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED',
		...( config.endpoint ? { endpoint: config.endpoint } : {} ),
	} );
	nameServiceWhenUnreachable( client, 'S3', config.endpoint );
	return client;
}

export class S3ObjectStore implements ObjectStore {
	constructor( private readonly client: S3Client ) {}

	async createMultipartUpload(
		bucket: string,
		key: string,
		contentType: string
	) {
		const out = await this.client.send(
			new CreateMultipartUploadCommand( {
				Bucket: bucket,
				Key: key,
				ContentType: contentType,
			} )
		);
		if ( ! out.UploadId ) {
			throw new Error(
				`S3 returned no upload id for ${ bucket }/${ key }`
			);
		}
		return out.UploadId;
	}

	presignPart(
		bucket: string,
		key: string,
		uploadId: string,
		partNumber: number,
		partLength: number,
		expiresInSeconds: number
	) {
		return getSignedUrl(
			this.client,
			new UploadPartCommand( {
				Bucket: bucket,
				Key: key,
				UploadId: uploadId,
				PartNumber: partNumber,
				ContentLength: partLength,
			} ),
			// Signed, so the URL cannot store more (or fewer) bytes than the part holds.
			{
				expiresIn: expiresInSeconds,
				signableHeaders: new Set( [ 'content-length' ] ),
			}
		);
	}

	async listParts( bucket: string, key: string, uploadId: string ) {
		const parts: UploadedPart[] = [];
		let marker: string | undefined;
		// Bounded: 10000 parts at most, 1000 per page.
		for ( let page = 0; page < 11; page++ ) {
			const out = await this.client
				.send(
					new ListPartsCommand( {
						Bucket: bucket,
						Key: key,
						UploadId: uploadId,
						PartNumberMarker: marker,
					} )
				)
				.catch(
					( error: { $metadata?: { httpStatusCode?: number } } ) => {
						const status = error?.$metadata?.httpStatusCode;
						if ( status === 405 || status === 501 ) {
							return undefined;
						}
						throw error;
					}
				);
			if ( ! out ) {
				return undefined;
			}
			for ( const part of out.Parts ?? [] ) {
				parts.push( {
					partNumber: part.PartNumber ?? 0,
					etag: part.ETag ?? '',
					size: part.Size ?? 0,
				} );
			}
			if ( ! out.IsTruncated || ! out.NextPartNumberMarker ) {
				break;
			}
			marker = out.NextPartNumberMarker;
		}
		return parts;
	}

	async completeMultipartUpload(
		bucket: string,
		key: string,
		uploadId: string,
		parts: { partNumber: number; etag: string }[]
	) {
		const sorted: Part[] = [ ...parts ]
			.sort( ( a, b ) => a.partNumber - b.partNumber )
			.map( ( p ) => ( { PartNumber: p.partNumber, ETag: p.etag } ) );
		await this.client.send(
			new CompleteMultipartUploadCommand( {
				Bucket: bucket,
				Key: key,
				UploadId: uploadId,
				MultipartUpload: { Parts: sorted },
			} )
		);
	}

	async abortMultipartUpload(
		bucket: string,
		key: string,
		uploadId: string
	) {
		try {
			await this.client.send(
				new AbortMultipartUploadCommand( {
					Bucket: bucket,
					Key: key,
					UploadId: uploadId,
				} )
			);
		} catch ( error ) {
			// Gone already, or a store that cannot abort (s3rver answers 405): nothing left to do here.
			const status = (
				error as { $metadata?: { httpStatusCode?: number } }
			 )?.$metadata?.httpStatusCode;
			if ( ! isNotFound( error ) && status !== 405 && status !== 501 ) {
				throw error;
			}
		}
	}

	async listKeys( bucket: string, prefix: string, limit: number ) {
		const keys: string[] = [];
		let token: string | undefined;
		do {
			const out = await this.client.send(
				new ListObjectsV2Command( {
					Bucket: bucket,
					Prefix: prefix,
					MaxKeys: Math.min( 1000, limit - keys.length ),
					ContinuationToken: token,
				} )
			);
			keys.push(
				...( out.Contents ?? [] ).flatMap( ( object ) =>
					object.Key ? [ object.Key ] : []
				)
			);
			token = out.IsTruncated ? out.NextContinuationToken : undefined;
		} while ( token && keys.length < limit );
		return keys.slice( 0, limit );
	}

	async headObject( bucket: string, key: string ) {
		try {
			const out = await this.client.send(
				new HeadObjectCommand( { Bucket: bucket, Key: key } )
			);
			return { size: out.ContentLength ?? 0 };
		} catch ( error ) {
			if ( isNotFound( error ) ) {
				return undefined;
			}
			throw error;
		}
	}

	async getObjectStream( bucket: string, key: string ) {
		const out = await this.client.send(
			new GetObjectCommand( { Bucket: bucket, Key: key } )
		);
		if ( ! out.Body ) {
			throw new Error( `S3 returned no body for ${ bucket }/${ key }` );
		}
		return out.Body as Readable;
	}

	async getObjectRange(
		bucket: string,
		key: string,
		start: number,
		length: number
	) {
		if ( length <= 0 ) {
			return Readable.from( [] );
		}
		const out = await this.client.send(
			new GetObjectCommand( {
				Bucket: bucket,
				Key: key,
				Range: `bytes=${ start }-${ start + length - 1 }`,
			} )
		);
		if ( ! out.Body ) {
			throw new Error( `S3 returned no body for ${ bucket }/${ key }` );
		}
		return out.Body as Readable;
	}

	async getObjectText( bucket: string, key: string ) {
		try {
			const out = await this.client.send(
				new GetObjectCommand( { Bucket: bucket, Key: key } )
			);
			return await out.Body?.transformToString( 'utf-8' );
		} catch ( error ) {
			if ( isNotFound( error ) ) {
				return undefined;
			}
			throw error;
		}
	}

	async putObject(
		bucket: string,
		key: string,
		body: string | Buffer,
		contentType: string
	) {
		await this.client.send(
			new PutObjectCommand( {
				Bucket: bucket,
				Key: key,
				Body: body,
				ContentType: contentType,
			} )
		);
	}

	async copyObject(
		sourceBucket: string,
		sourceKey: string,
		bucket: string,
		key: string
	) {
		await this.client.send(
			new CopyObjectCommand( {
				Bucket: bucket,
				Key: key,
				CopySource: `${ sourceBucket }/${ sourceKey
					.split( '/' )
					.map( encodeURIComponent )
					.join( '/' ) }`,
			} )
		);
	}

	async deleteObject( bucket: string, key: string ) {
		await this.client.send(
			new DeleteObjectCommand( { Bucket: bucket, Key: key } )
		);
	}

	async ensureBucket( bucket: string, cors?: 'browser-upload' ) {
		let state: 'created' | 'exists' = 'exists';
		try {
			await this.client.send(
				new HeadBucketCommand( { Bucket: bucket } )
			);
		} catch ( error ) {
			if ( ! isNotFound( error ) ) {
				throw error;
			}
			await this.client.send(
				new CreateBucketCommand( { Bucket: bucket } )
			);
			state = 'created';
		}
		if ( cors === 'browser-upload' ) {
			// Browsers PUT the parts straight to presigned URLs and must read
			// each part's ETag to complete the upload.
			await this.client.send(
				new PutBucketCorsCommand( {
					Bucket: bucket,
					CORSConfiguration: {
						CORSRules: [
							{
								AllowedOrigins: [ '*' ],
								AllowedMethods: [ 'PUT', 'GET', 'HEAD' ],
								AllowedHeaders: [ '*' ],
								ExposeHeaders: [ 'ETag' ],
								MaxAgeSeconds: 3600,
							},
						],
					},
				} )
			);
		}
		return state;
	}

	async abortIncompleteUploadsAfter( bucket: string, days: number ) {
		try {
			await this.client.send(
				new PutBucketLifecycleConfigurationCommand( {
					Bucket: bucket,
					LifecycleConfiguration: {
						Rules: [
							{
								ID: 'orbit-abort-incomplete-uploads',
								Status: 'Enabled',
								Filter: { Prefix: '' },
								AbortIncompleteMultipartUpload: {
									DaysAfterInitiation: days,
								},
							},
						],
					},
				} )
			);
			return `incomplete uploads aborted after ${ days } day(s)`;
		} catch ( error ) {
			const status = (
				error as { $metadata?: { httpStatusCode?: number } }
			 )?.$metadata?.httpStatusCode;
			if ( status !== 501 && status !== 405 ) {
				throw error;
			}
			// The bridge's own sweep still aborts them.
			return `lifecycle rules unsupported by this server (HTTP ${ status })`;
		}
	}

	async ping( bucket: string ) {
		await this.client.send( new HeadBucketCommand( { Bucket: bucket } ) );
	}

	close() {
		this.client.destroy();
	}
}
