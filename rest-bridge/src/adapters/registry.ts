import type { Readable } from 'node:stream';

import { readArchiveImage } from '../image/archive-image.js';
import type {
	ArchiveImage,
	ImageBlob,
	RandomAccessArchive,
} from '../image/random-access-archive.js';

/** OCI repository path components (distribution's reference grammar). */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** A registry and the path under which an environment's repositories live. */
export interface RegistryLocation {
	/** scheme://host[:port], no path. */
	baseUrl: string;
	/** host[:port] as image references name it. */
	host: string;
	/** Path prefix of every repository ('' for none), e.g. "orbit/dev". */
	prefix: string;
	credentials?: { username: string; password: string };
}

/**
 * Reads a registry URL as configured: `http(s)://[user:password@]host[:port][/prefix]`.
 * The path, when present, is the prefix every repository of the environment goes under.
 */
export function registryLocation( url: string ): RegistryLocation {
	const parsed = new URL( url );
	if ( parsed.protocol !== 'http:' && parsed.protocol !== 'https:' ) {
		throw new Error(
			`Registry URL ${ url } must be http(s)://host[/path]`
		);
	}
	const prefix = parsed.pathname.replace( /^\/+|\/+$/g, '' );
	if (
		prefix &&
		! prefix.split( '/' ).every( ( c ) => PATH_COMPONENT.test( c ) )
	) {
		throw new Error(
			`Registry path "${ prefix }" is not a valid repository prefix (lower-case letters, digits, . _ - separated by /)`
		);
	}
	return {
		baseUrl: `${ parsed.protocol }//${ parsed.host }`,
		host: parsed.host,
		prefix,
		...( parsed.username
			? {
					credentials: {
						username: decodeURIComponent( parsed.username ),
						password: decodeURIComponent( parsed.password ),
					},
				}
			: {} ),
	};
}

export interface PushRequest {
	location: RegistryLocation;
	/** Repository name under the location's prefix (the app name). */
	repository: string;
	tag: string;
	/** The config digest the image was accepted with; a different image is refused. */
	expectedConfigDigest: string;
	/** Called after each blob, so a long push can keep its job claimed. */
	onBlob?: ( blob: { digest: string; size: number; sent: boolean } ) => void;
}

export interface PushedImage {
	/** host/prefix/repository@sha256:… — how everything after the push refers to the image. */
	reference: string;
	/** host/prefix/repository:tag */
	taggedReference: string;
	digest: string;
	configDigest: string;
	mediaType: string;
	blobsSent: number;
	blobsSkipped: number;
	bytesSent: number;
}

export class RegistryError extends Error {
	constructor(
		message: string,
		readonly status?: number,
		/** True when retrying cannot help (refused image, bad name). */
		readonly permanent = false
	) {
		super( message );
		this.name = 'RegistryError';
	}
}

type Fetch = typeof fetch;

/** Scope-bound authorization obtained from the registry's challenge. */
async function authorization(
	fetchFn: Fetch,
	location: RegistryLocation,
	repository: string
): Promise< string | undefined > {
	const probe = await fetchFn( `${ location.baseUrl }/v2/` );
	await probe.body?.cancel();
	if ( probe.status !== 401 ) {
		return undefined;
	}
	const challenge = probe.headers.get( 'www-authenticate' ) ?? '';
	const basic = location.credentials
		? `Basic ${ Buffer.from( `${ location.credentials.username }:${ location.credentials.password }` ).toString( 'base64' ) }`
		: undefined;
	if ( /^basic/i.test( challenge ) ) {
		if ( ! basic ) {
			throw new RegistryError(
				`The registry ${ location.host } asks for a login: put user:password in its URL.`,
				401,
				true
			);
		}
		return basic;
	}
	const params = Object.fromEntries(
		[ ...challenge.matchAll( /(\w+)="([^"]*)"/g ) ].map( ( m ) => [
			m[ 1 ],
			m[ 2 ],
		] )
	);
	if ( ! /^bearer/i.test( challenge ) || ! params.realm ) {
		throw new RegistryError(
			`The registry ${ location.host } answered 401 with an unsupported challenge "${ challenge }".`,
			401,
			true
		);
	}
	const tokenUrl = new URL( params.realm );
	if ( params.service ) {
		tokenUrl.searchParams.set( 'service', params.service );
	}
	tokenUrl.searchParams.set(
		'scope',
		`repository:${ repository }:pull,push`
	);
	const answer = await fetchFn( tokenUrl, {
		headers: basic ? { Authorization: basic } : {},
	} );
	if ( ! answer.ok ) {
		throw new RegistryError(
			`The registry ${ location.host } refused a push token (${ answer.status }); check the credentials in its URL.`,
			answer.status,
			answer.status === 401 || answer.status === 403
		);
	}
	const body = ( await answer.json() ) as {
		token?: string;
		access_token?: string;
	};
	const token = body.token ?? body.access_token;
	if ( ! token ) {
		throw new RegistryError(
			`The registry ${ location.host } answered its token request without a token.`
		);
	}
	return `Bearer ${ token }`;
}

/**
 * Pushes images to an OCI registry over the Distribution API with plain
 * fetch: blobs the registry has are skipped (HEAD), the others are streamed
 * from their source in one monolithic PUT each, so memory stays bounded
 * whatever the image size; then the manifest is put under the tag.
 */
export class OciRegistry {
	private readonly fetchFn: Fetch;

	constructor( options: { fetch?: Fetch } = {} ) {
		this.fetchFn = options.fetch ?? fetch;
	}

	/** Pushes the image held by an archive; returns its references by digest. */
	async pushArchive(
		archive: RandomAccessArchive,
		request: PushRequest
	): Promise< PushedImage > {
		const image = await readArchiveImage( archive );
		if ( image.config.digest !== request.expectedConfigDigest ) {
			throw new RegistryError(
				`The stored archive holds the image ${ image.config.digest }, not ${ request.expectedConfigDigest } that was validated at upload. Upload the image again.`,
				undefined,
				true
			);
		}
		return this.pushImage( archive, image, request );
	}

	private async pushImage(
		archive: RandomAccessArchive,
		image: ArchiveImage,
		request: PushRequest
	): Promise< PushedImage > {
		const { location } = request;
		const name = [ location.prefix, request.repository ]
			.filter( Boolean )
			.join( '/' );
		if (
			! name.split( '/' ).every( ( c ) => PATH_COMPONENT.test( c ) ) ||
			! TAG.test( request.tag )
		) {
			throw new RegistryError(
				`"${ name }:${ request.tag }" is not a valid repository and tag.`,
				undefined,
				true
			);
		}
		const auth = await authorization( this.fetchFn, location, name );
		const headers = ( extra: Record< string, string > = {} ) => ( {
			...( auth ? { Authorization: auth } : {} ),
			...extra,
		} );
		const api = `${ location.baseUrl }/v2/${ name }`;
		let blobsSent = 0;
		let blobsSkipped = 0;
		let bytesSent = 0;
		for ( const blob of [ image.config, ...image.layers ] ) {
			const sent = await this.ensureBlob( api, blob, headers, () =>
				archive.stream( blob.entry.offset, blob.entry.size )
			);
			if ( sent ) {
				blobsSent += 1;
				bytesSent += blob.size;
			} else {
				blobsSkipped += 1;
			}
			request.onBlob?.( { digest: blob.digest, size: blob.size, sent } );
		}
		const answer = await this.fetchFn(
			`${ api }/manifests/${ request.tag }`,
			{
				method: 'PUT',
				headers: headers( {
					'Content-Type': image.manifest.mediaType,
				} ),
				body: image.manifest.bytes,
			}
		);
		if ( answer.status !== 201 ) {
			throw await failure( answer, `putting the manifest of ${ name }` );
		}
		await answer.body?.cancel();
		const digest =
			answer.headers.get( 'docker-content-digest' ) ??
			image.manifest.digest;
		if ( digest !== image.manifest.digest ) {
			throw new RegistryError(
				`The registry stored the manifest as ${ digest }, not ${ image.manifest.digest }.`
			);
		}
		const repository = `${ location.host }/${ name }`;
		return {
			reference: `${ repository }@${ digest }`,
			taggedReference: `${ repository }:${ request.tag }`,
			digest,
			configDigest: image.config.digest,
			mediaType: image.manifest.mediaType,
			blobsSent,
			blobsSkipped,
			bytesSent,
		};
	}

	/** Sends a blob unless the repository has it; true when it was sent. */
	private async ensureBlob(
		api: string,
		blob: ImageBlob,
		headers: (
			extra?: Record< string, string >
		) => Record< string, string >,
		open: () => Promise< Readable >
	): Promise< boolean > {
		const head = await this.fetchFn( `${ api }/blobs/${ blob.digest }`, {
			method: 'HEAD',
			headers: headers(),
		} );
		if ( head.status === 200 ) {
			return false;
		}
		if ( head.status !== 404 ) {
			throw await failure( head, `checking blob ${ blob.digest }` );
		}
		const start = await this.fetchFn( `${ api }/blobs/uploads/`, {
			method: 'POST',
			headers: headers( { 'Content-Length': '0' } ),
		} );
		const location = start.headers.get( 'location' );
		if ( start.status !== 202 || ! location ) {
			throw await failure(
				start,
				`starting the upload of ${ blob.digest }`
			);
		}
		await start.body?.cancel();
		const target = new URL( location, api );
		target.searchParams.set( 'digest', blob.digest );
		const body = await open();
		const put = await this.fetchFn( target, {
			method: 'PUT',
			headers: headers( {
				'Content-Type': 'application/octet-stream',
				'Content-Length': String( blob.size ),
			} ),
			// Streamed: fetch reads the S3 body as the registry takes it.
			body: body as unknown as ReadableStream,
			duplex: 'half',
		} as RequestInit ).catch( ( error: unknown ) => {
			body.destroy();
			throw error;
		} );
		if ( put.status !== 201 ) {
			throw await failure( put, `uploading blob ${ blob.digest }` );
		}
		await put.body?.cancel();
		return true;
	}
}

async function failure( answer: Response, doing: string ) {
	const text = ( await answer.text().catch( () => '' ) ).slice( 0, 500 );
	const permanent =
		answer.status === 400 ||
		answer.status === 401 ||
		answer.status === 403 ||
		answer.status === 413;
	return new RegistryError(
		`The registry answered ${ answer.status } ${ doing }: ${ text || answer.statusText }`,
		answer.status,
		permanent
	);
}
