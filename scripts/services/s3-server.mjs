/**
 * Runs s3rver, the S3-compatible server used on one machine, until SIGTERM.
 * Usage: node s3-server.mjs --host H --port P --directory D
 *
 * s3rver writes objects and parts straight into their final files and does not listen for
 * write errors: a full disk crashed it and left a truncated object that read back as whole.
 * Here every object and part is written to a temporary file and renamed into place; when the
 * disk is full the request fails with "no space left on …" and nothing is left behind.
 * s3rver also lacks AbortMultipartUpload, which left every abandoned upload's parts on disk;
 * it is answered here.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

import S3rver from 's3rver';
import S3Error from 's3rver/lib/models/error.js';
import S3Object from 's3rver/lib/models/object.js';

import { querySignatureV4 } from './s3-query-signature.mjs';

const { values } = parseArgs( {
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string' },
		directory: { type: 'string' },
	},
} );

const server = new S3rver( {
	address: values.host,
	port: Number( values.port ),
	directory: values.directory,
	silent: true,
} );

/**
 * Writes `content` (a Buffer or a stream) to `file` through a temporary file in the same
 * folder, so that the file either appears whole or not at all.
 *
 * @return {Promise<[number, string]>} Size and MD5 (hex) of what was written.
 */
async function writeWhole( file, content ) {
	const created = fs.mkdirSync( path.dirname( file ), { recursive: true } );
	const temporary = `${ file }.${ crypto.randomUUID() }.partial`;
	const md5 = crypto.createHash( 'md5' );
	let size = 0;
	const counting = new Transform( {
		transform( chunk, encoding, callback ) {
			md5.update( chunk );
			size += chunk.length;
			callback( null, chunk );
		},
	} );
	try {
		await pipeline(
			Buffer.isBuffer( content ) ? [ content ] : content,
			counting,
			fs.createWriteStream( temporary )
		);
		fs.renameSync( temporary, file );
	} catch ( error ) {
		fs.rmSync( temporary, { force: true } );
		removeEmptyFolders( path.dirname( file ), created );
		throw storageError( error, file );
	}
	return [ size, md5.digest( 'hex' ) ];
}

/** Removes the folders from `dir` up to `top` (created for a write that failed) while empty. */
function removeEmptyFolders( dir, top ) {
	if ( ! top ) {
		return;
	}
	for (
		let current = dir;
		current.startsWith( top );
		current = path.dirname( current )
	) {
		try {
			fs.rmdirSync( current );
		} catch {
			return;
		}
	}
}

/** A full disk as an S3 error the client can show; other errors unchanged. */
function storageError( error, file ) {
	if ( error?.code !== 'ENOSPC' ) {
		return error;
	}
	process.stderr.write( `no space left for ${ file }\n` );
	return new S3Error(
		'InsufficientStorage',
		`no space left on the S3 server's disk for ${ path.relative( values.directory, file ) } (data directory ${ values.directory }): free space there and try again.`
	);
}

const store = server.store;
store.putObject = async function putObject( object ) {
	const objectPath = this.getResourcePath(
		object.bucket,
		object.key,
		'object'
	);
	const [ size, md5 ] = await writeWhole( objectPath, object.content );
	try {
		await this.putMetadata(
			object.bucket,
			object.key,
			object.metadata,
			md5
		);
	} catch ( error ) {
		await this.deleteObject( object.bucket, object.key ).catch( () => {} );
		throw storageError( error, objectPath );
	}
	return { size, md5 };
};
store.putPart = async function putPart(
	bucket,
	uploadId,
	partNumber,
	content
) {
	const partPath = path.join(
		this.getResourcePath( bucket, undefined, 'uploads' ),
		uploadId,
		partNumber.toString()
	);
	const [ size, md5 ] = await writeWhole( partPath, content );
	try {
		fs.writeFileSync( `${ partPath }.md5`, md5 );
	} catch ( error ) {
		fs.rmSync( partPath, { force: true } );
		throw storageError( error, partPath );
	}
	return { size, md5 };
};
/** The parts one after the other; a part file is closed as soon as the write stops. */
async function* partsInOrder( uploadDir, parts ) {
	const numbers = parts
		.map( ( part ) => part.number )
		.sort( ( a, b ) => a - b );
	for ( const number of numbers ) {
		yield* fs.createReadStream( path.join( uploadDir, String( number ) ) );
	}
}
store.putObjectMultipart = async function putObjectMultipart(
	bucket,
	uploadId,
	parts
) {
	const uploadDir = path.join(
		this.getResourcePath( bucket, undefined, 'uploads' ),
		uploadId
	);
	const key = fs.readFileSync( path.join( uploadDir, 'key' ), 'utf8' );
	const metadata = JSON.parse(
		fs.readFileSync( path.join( uploadDir, 'metadata' ), 'utf8' )
	);
	const result = await this.putObject(
		new S3Object( bucket, key, partsInOrder( uploadDir, parts ), metadata )
	);
	fs.rmSync( uploadDir, { recursive: true, force: true } );
	return result;
};
const copyObject = store.copyObject.bind( store );
store.copyObject = async function safeCopyObject( ...args ) {
	const [ , , destBucket, destKey ] = args;
	try {
		return await copyObject( ...args );
	} catch ( error ) {
		await this.deleteObject( destBucket, destKey ).catch( () => {} );
		throw storageError(
			error,
			this.getResourcePath( destBucket, destKey, 'object' )
		);
	}
};

const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** AbortMultipartUpload: DELETE /<bucket>/<key>?uploadId=<id> removes the upload's parts. */
server.middleware.unshift( async ( ctx, next ) => {
	const uploadId = ctx.query.uploadId;
	if ( ctx.method !== 'DELETE' || uploadId === undefined ) {
		return next();
	}
	const bucket = decodeURIComponent( ctx.path.split( '/' )[ 1 ] ?? '' );
	const uploads = store.getResourcePath( bucket, undefined, 'uploads' );
	const dir = path.join( uploads, String( uploadId ) );
	if ( ! UPLOAD_ID.test( String( uploadId ) ) || ! fs.existsSync( dir ) ) {
		ctx.status = 404;
		ctx.type = 'application/xml';
		ctx.body = new S3Error(
			'NoSuchUpload',
			'The specified upload does not exist.'
		).toXML();
		return;
	}
	fs.rmSync( dir, { recursive: true, force: true } );
	ctx.status = 204;
} );

// s3rver does not check Signature V4; real S3 does, and presigned part URLs rely on it.
server.middleware.unshift( querySignatureV4( { S3RVER: 'S3RVER' } ) );
await server.run();
process.stdout.write(
	`s3rver listening on http://${ values.host }:${ values.port }\n`
);

const close = async () => {
	await server.close();
	process.exit( 0 );
};
process.on( 'SIGTERM', close );
process.on( 'SIGINT', close );
