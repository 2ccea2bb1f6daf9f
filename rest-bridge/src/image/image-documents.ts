import { z } from 'zod';

import { ImageValidationError } from './errors.js';
import type { BlobRecord } from './blob-inspector.js';

/** Media types this bridge understands; anything else is refused with a clear message. */
export const MEDIA_TYPES = {
	ociIndex: 'application/vnd.oci.image.index.v1+json',
	ociManifest: 'application/vnd.oci.image.manifest.v1+json',
	ociConfig: 'application/vnd.oci.image.config.v1+json',
	ociLayer: 'application/vnd.oci.image.layer.v1.tar',
	ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
	dockerManifestList:
		'application/vnd.docker.distribution.manifest.list.v2+json',
	dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
	dockerConfig: 'application/vnd.docker.container.image.v1+json',
	dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
	dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const INDEX_MEDIA_TYPES: readonly string[] = [
	MEDIA_TYPES.ociIndex,
	MEDIA_TYPES.dockerManifestList,
];
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
	MEDIA_TYPES.ociManifest,
	MEDIA_TYPES.dockerManifest,
];
export const CONFIG_MEDIA_TYPES: readonly string[] = [
	MEDIA_TYPES.ociConfig,
	MEDIA_TYPES.dockerConfig,
];
/** Layer media type → whether its bytes are gzip-compressed. */
export const LAYER_MEDIA_TYPES: ReadonlyMap< string, boolean > = new Map( [
	[ MEDIA_TYPES.ociLayer, false ],
	[ MEDIA_TYPES.dockerLayer, false ],
	[ MEDIA_TYPES.ociLayerGzip, true ],
	[ MEDIA_TYPES.dockerLayerGzip, true ],
] );

const descriptorSchema = z.object( {
	mediaType: z.string(),
	digest: z.string(),
	size: z.number().int().nonnegative(),
	annotations: z.record( z.string(), z.string() ).optional(),
	platform: z
		.object( {
			os: z.string(),
			architecture: z.string(),
			variant: z.string().optional(),
		} )
		.optional(),
} );
export type Descriptor = z.infer< typeof descriptorSchema >;

export const dockerArchiveManifestSchema = z
	.array(
		z.object( {
			Config: z.string().min( 1 ),
			RepoTags: z.array( z.string() ).nullish(),
			Layers: z.array( z.string().min( 1 ) ),
		} )
	)
	.min( 1, 'it lists no image' );

export const ociLayoutSchema = z.object( {
	imageLayoutVersion: z.literal( '1.0.0' ),
} );

export const imageIndexSchema = z.object( {
	schemaVersion: z.literal( 2 ),
	mediaType: z.string().optional(),
	manifests: z.array( descriptorSchema ),
} );

export const imageManifestSchema = z.object( {
	schemaVersion: z.literal( 2 ),
	mediaType: z.string().optional(),
	config: descriptorSchema,
	layers: z.array( descriptorSchema ),
} );

const stringList = z.array( z.string() ).nullish();
export const imageConfigSchema = z.object( {
	architecture: z.string().min( 1 ),
	os: z.string().min( 1 ),
	config: z
		.object( {
			ExposedPorts: z.record( z.string(), z.unknown() ).nullish(),
			Env: stringList,
			Entrypoint: stringList,
			Cmd: stringList,
			Labels: z.record( z.string(), z.string() ).nullish(),
		} )
		.nullish(),
	rootfs: z.object( {
		type: z.literal( 'layers' ),
		diff_ids: z.array( z.string() ),
	} ),
} );
export type ImageConfig = z.infer< typeof imageConfigSchema >;

/** The kinds of JSON document in an archive, with the error codes and limit that go with each. */
export const DOCUMENT_KINDS = {
	manifest: {
		label: 'image manifest',
		invalid: 'MANIFEST_INVALID',
		tooLarge: 'MANIFEST_TOO_LARGE',
		limit: 'maxManifestBytes',
	},
	index: {
		label: 'image index',
		invalid: 'INDEX_INVALID',
		tooLarge: 'INDEX_TOO_LARGE',
		limit: 'maxIndexBytes',
	},
	config: {
		label: 'image configuration',
		invalid: 'CONFIG_INVALID',
		tooLarge: 'CONFIG_TOO_LARGE',
		limit: 'maxConfigBytes',
	},
	layout: {
		label: 'oci-layout file',
		invalid: 'OCI_LAYOUT_INVALID',
		tooLarge: 'OCI_LAYOUT_INVALID',
		limit: 'maxIndexBytes',
	},
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;

/**
 * Parses a JSON document kept while streaming and checks its shape.
 *
 * @param record   the archive file holding it
 * @param kind     what it should be
 * @param schema   its expected shape
 * @param maxBytes largest size accepted for this kind
 */
export function parseDocument< T >(
	record: BlobRecord,
	kind: DocumentKind,
	schema: z.ZodType< T >,
	maxBytes: number
): T {
	const { label, invalid, tooLarge } = DOCUMENT_KINDS[ kind ];
	if ( record.size > maxBytes ) {
		throw new ImageValidationError(
			tooLarge,
			`The ${ label } "${ record.name }" is ${ record.size } bytes; the limit is ${ maxBytes }. This is not a normal image; re-export it.`
		);
	}
	let parsed: unknown;
	try {
		if ( ! record.json ) {
			throw new Error( 'it does not start like a JSON document' );
		}
		parsed = JSON.parse( record.json.toString( 'utf8' ) );
	} catch ( error ) {
		throw new ImageValidationError(
			'JSON_MALFORMED',
			`The ${ label } "${ record.name }" is not valid JSON (${ ( error as Error ).message }). Re-export the image; the archive is damaged.`
		);
	}
	const result = schema.safeParse( parsed );
	if ( ! result.success ) {
		throw new ImageValidationError(
			invalid,
			`The ${ label } "${ record.name }" does not have the expected shape: ${ z.prettifyError( result.error ).replace( /\n/g, ' ' ) }. Re-export the image with a standard tool (docker save, skopeo, buildah).`
		);
	}
	return result.data;
}
