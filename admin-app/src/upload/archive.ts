/**
 * Reads an image archive's metadata in the browser before anything is uploaded: a
 * quick check that the file is an image archive at all, and the exposed ports to
 * prefill the container port. The server validates the archive fully afterwards.
 *
 * Understands docker-archive (`docker save`, `skopeo copy … docker-archive:`) and
 * OCI archives (`skopeo copy … oci-archive:`), both plain tar.
 */

const BLOCK = 512;
const MAX_ENTRIES = 10_000;
const MAX_JSON_BYTES = 1024 * 1024;

export interface ArchiveFacts {
	format: 'docker-archive' | 'oci-archive';
	/** First repository:tag the archive names, if any. */
	reference?: string;
	os?: string;
	architecture?: string;
	/** Exposed ports as in the image config, e.g. "8080/tcp". */
	ports: string[];
	layers: number;
}

export class ArchiveError extends Error {
	constructor( message: string ) {
		super( message );
		this.name = 'ArchiveError';
	}
}

interface TarEntry {
	offset: number;
	size: number;
}

const decoder = new TextDecoder();

async function readBytes( file: Blob, start: number, end: number ) {
	return new Uint8Array( await file.slice( start, end ).arrayBuffer() );
}

function text( bytes: Uint8Array, start: number, length: number ) {
	const slice = bytes.subarray( start, start + length );
	const nul = slice.indexOf( 0 );
	return decoder.decode( nul === -1 ? slice : slice.subarray( 0, nul ) );
}

function octal( bytes: Uint8Array, start: number, length: number ) {
	const value = parseInt( text( bytes, start, length ).trim() || '0', 8 );
	if ( Number.isNaN( value ) ) {
		throw new ArchiveError(
			'This file is not a tar archive (a header has no valid size). Choose the .tar written by docker save or skopeo.'
		);
	}
	return value;
}

/** The path a pax extended header sets, if any. */
function paxPath( records: string ): string | undefined {
	for ( const line of records.split( '\n' ) ) {
		const match = /^\d+ path=(.*)$/.exec( line );
		if ( match ) {
			return match[ 1 ];
		}
	}
	return undefined;
}

function normalise( name: string ) {
	return name.replace( /^\.\//, '' );
}

/**
 * Lists the entries of a tar file by reading only its headers.
 *
 * @param file The archive.
 */
async function listEntries( file: Blob ): Promise< Map< string, TarEntry > > {
	const entries = new Map< string, TarEntry >();
	let offset = 0;
	let longName: string | undefined;
	for ( let count = 0; offset + BLOCK <= file.size; count++ ) {
		if ( count > MAX_ENTRIES ) {
			throw new ArchiveError(
				`The archive has more than ${ MAX_ENTRIES } entries; an image archive has far fewer. Choose the .tar of an image.`
			);
		}
		const header = await readBytes( file, offset, offset + BLOCK );
		if ( header.every( ( byte ) => byte === 0 ) ) {
			break;
		}
		if ( count === 0 && text( header, 257, 5 ) !== 'ustar' ) {
			throw new ArchiveError(
				header[ 0 ] === 0x1f && header[ 1 ] === 0x8b
					? 'This archive is compressed (gzip). Upload the plain .tar: gunzip it first, or save the image again without compressing.'
					: 'This file is not a tar archive. Choose the .tar written by docker save or skopeo copy (docker-archive or oci-archive).'
			);
		}
		const size = octal( header, 124, 12 );
		const type = String.fromCharCode( header[ 156 ] ?? 0 );
		const dataStart = offset + BLOCK;
		if ( type === 'x' || type === 'L' ) {
			const data = decoder.decode(
				await readBytes(
					file,
					dataStart,
					dataStart + Math.min( size, 64 * 1024 )
				)
			);
			longName =
				type === 'x' ? paxPath( data ) : data.replace( /\0+$/, '' );
		} else {
			const prefix = text( header, 345, 155 );
			const name =
				longName ??
				( prefix ? `${ prefix }/` : '' ) + text( header, 0, 100 );
			longName = undefined;
			if ( type === '0' || type === '\0' ) {
				entries.set( normalise( name ), { offset: dataStart, size } );
			}
		}
		offset = dataStart + Math.ceil( size / BLOCK ) * BLOCK;
	}
	return entries;
}

async function readJson< T >(
	file: Blob,
	entries: Map< string, TarEntry >,
	name: string
): Promise< T > {
	const entry = entries.get( name );
	if ( ! entry ) {
		throw new ArchiveError(
			`The archive names ${ name } but does not contain it. Save the image again; the file may be truncated.`
		);
	}
	if ( entry.size > MAX_JSON_BYTES ) {
		throw new ArchiveError(
			`${ name } is larger than ${ MAX_JSON_BYTES } bytes, which no image metadata is. Choose a real image archive.`
		);
	}
	try {
		return JSON.parse(
			decoder.decode(
				await readBytes( file, entry.offset, entry.offset + entry.size )
			)
		) as T;
	} catch {
		throw new ArchiveError(
			`${ name } in the archive is not valid JSON. Save the image again.`
		);
	}
}

interface ImageConfig {
	os?: string;
	architecture?: string;
	config?: { ExposedPorts?: Record< string, unknown > };
}

const blobPath = ( digest: string ) => {
	const match = /^sha256:([a-f0-9]{64})$/.exec( digest );
	if ( ! match ) {
		throw new ArchiveError(
			`The archive refers to "${ digest }", which is not a sha256 digest. Save the image again.`
		);
	}
	return `blobs/sha256/${ match[ 1 ] }`;
};

function facts(
	format: ArchiveFacts[ 'format' ],
	config: ImageConfig,
	layers: number,
	reference?: string
): ArchiveFacts {
	return {
		format,
		reference,
		os: config.os,
		architecture: config.architecture,
		ports: Object.keys( config.config?.ExposedPorts ?? {} ),
		layers,
	};
}

/**
 * Reads the image metadata of an archive.
 *
 * @param file The chosen file.
 * @throws ArchiveError with what to do when it is not an image archive.
 */
export async function inspectArchive( file: Blob ): Promise< ArchiveFacts > {
	const entries = await listEntries( file );
	if ( entries.has( 'manifest.json' ) ) {
		const manifest = await readJson<
			Array< {
				Config?: string;
				RepoTags?: string[] | null;
				Layers?: string[];
			} >
		>( file, entries, 'manifest.json' );
		const image = Array.isArray( manifest ) ? manifest[ 0 ] : undefined;
		if ( ! image?.Config ) {
			throw new ArchiveError(
				'manifest.json lists no image. Save the image again with docker save or skopeo.'
			);
		}
		const config = await readJson< ImageConfig >(
			file,
			entries,
			normalise( image.Config )
		);
		return facts(
			'docker-archive',
			config,
			image.Layers?.length ?? 0,
			image.RepoTags?.[ 0 ]
		);
	}
	if ( entries.has( 'index.json' ) ) {
		const index = await readJson< {
			manifests?: Array< {
				digest: string;
				annotations?: Record< string, string >;
			} >;
		} >( file, entries, 'index.json' );
		const descriptor = index.manifests?.[ 0 ];
		if ( ! descriptor ) {
			throw new ArchiveError(
				'index.json lists no image. Save the image again with skopeo copy … oci-archive:.'
			);
		}
		const manifest = await readJson< {
			config?: { digest: string };
			layers?: unknown[];
		} >( file, entries, blobPath( descriptor.digest ) );
		if ( ! manifest.config ) {
			throw new ArchiveError(
				'The archive holds an image index of several platforms. Save a single platform (skopeo copy --override-arch …).'
			);
		}
		const config = await readJson< ImageConfig >(
			file,
			entries,
			blobPath( manifest.config.digest )
		);
		return facts(
			'oci-archive',
			config,
			manifest.layers?.length ?? 0,
			descriptor.annotations?.[ 'org.opencontainers.image.ref.name' ]
		);
	}
	throw new ArchiveError(
		'The archive has neither manifest.json (docker-archive) nor index.json (OCI). Export the image with docker save or skopeo copy.'
	);
}

/**
 * The container port to prefill: the first exposed TCP port.
 *
 * @param ports Exposed ports such as "8080/tcp".
 */
export function firstTcpPort( ports: string[] ): number | null {
	for ( const port of ports ) {
		const [ number, protocol = 'tcp' ] = port.split( '/' );
		const value = Number( number );
		if (
			protocol === 'tcp' &&
			Number.isInteger( value ) &&
			value > 0 &&
			value < 65536
		) {
			return value;
		}
	}
	return null;
}
