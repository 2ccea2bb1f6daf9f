/**
 * An upload through WordPress up to the point of completing it: started as a user, every part
 * PUT to its presigned URL. Shared by the tests that then complete, resume or abort it.
 */
import { expect } from 'vitest';

import {
	basicAuth,
	call,
	restUrl,
	type Stack,
	type StackUser,
} from './support';

export interface StartedUpload {
	uploadId: string;
	parts: Array< { partNumber: number; etag: string } >;
}

export async function startUpload(
	stack: Stack,
	user: StackUser,
	appName: string,
	archive: Buffer,
	version = '1.0.0'
): Promise< StartedUpload > {
	const started = await call( restUrl( stack, '/k8or-orbit/v1/uploads' ), {
		method: 'POST',
		headers: { ...basicAuth( user ), 'Content-Type': 'application/json' },
		body: JSON.stringify( {
			appName,
			version,
			filename: 'hello.tar',
			size: archive.length,
		} ),
	} );
	expect( started.status, JSON.stringify( started.body ) ).toBe( 201 );
	const { uploadId, partSize, parts } = started.body as {
		uploadId: string;
		partSize: number;
		parts: Array< { partNumber: number; url: string } >;
	};
	const uploaded: StartedUpload[ 'parts' ] = [];
	for ( const part of parts ) {
		const put = await fetch( part.url, {
			method: 'PUT',
			body: new Uint8Array(
				archive.subarray(
					( part.partNumber - 1 ) * partSize,
					part.partNumber * partSize
				)
			),
			signal: AbortSignal.timeout( 30_000 ),
		} );
		expect( put.status ).toBe( 200 );
		uploaded.push( {
			partNumber: part.partNumber,
			etag: put.headers.get( 'etag' ) ?? '',
		} );
	}
	return { uploadId, parts: uploaded };
}

/** The body of POST /uploads/{id}/complete for a catalog entry in `environment`. */
export function completion(
	upload: StartedUpload,
	appName: string,
	environment: string,
	env: Record< string, string > = {}
) {
	return JSON.stringify( {
		parts: upload.parts,
		app: {
			name: appName,
			title: `Test ${ appName }`,
			environment,
			deployInputs: { replicas: 1, containerPort: 8080, env },
		},
	} );
}
