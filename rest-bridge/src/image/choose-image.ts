import type { BlobRecord } from './blob-inspector.js';
import { ImageValidationError } from './errors.js';
import {
	CONFIG_MEDIA_TYPES,
	INDEX_MEDIA_TYPES,
	LAYER_MEDIA_TYPES,
	MANIFEST_MEDIA_TYPES,
	MEDIA_TYPES,
	dockerArchiveManifestSchema,
	imageIndexSchema,
	imageManifestSchema,
	ociLayoutSchema,
	parseDocument,
	type Descriptor,
} from './image-documents.js';
import type { ArchiveIndex } from './archive-index.js';
import type { ArchiveLimits } from './limits.js';
import type { ValidateOptions } from './validate-archive.js';

export interface LayerFacts {
	/** sha256 of the layer as stored in the archive. */
	digest: string;
	/** sha256 of the uncompressed layer tar (the config's rootfs.diff_ids entry). */
	diffId: string;
	size: number;
	mediaType: string;
}

/** Annotations naming an image in an OCI index, the most complete name first. */
const REF_NAME_ANNOTATIONS = [
	'io.containerd.image.name',
	'org.opencontainers.image.ref.name',
];

function manyImagesError( choices: string[] ): ImageValidationError {
	return new ImageValidationError(
		'ARCHIVE_MULTIPLE_IMAGES',
		`The archive holds ${ choices.length } images (${ choices.join( ', ' ) || 'unnamed' }). Upload an archive with exactly one image, or say which one to use.`
	);
}

function imageNotFound(
	wanted: string,
	choices: string[]
): ImageValidationError {
	return new ImageValidationError(
		'ARCHIVE_IMAGE_NOT_FOUND',
		`The archive has no image named "${ wanted }"; it holds: ${ choices.join( ', ' ) || 'unnamed images' }.`
	);
}

/** Checks that a file used as a layer is one, and returns its facts. */
function layerFacts(
	record: BlobRecord,
	position: number,
	declaredGzip: boolean | undefined,
	mediaType: string
): LayerFacts {
	const label = `layer ${ position + 1 } ("${ record.name }")`;
	if ( record.content !== 'gzip' && record.content !== 'tar' ) {
		throw new ImageValidationError(
			'LAYER_TAR_INVALID',
			`${ label } is neither a tar nor a gzip-compressed tar. The archive is damaged; re-export it.`
		);
	}
	if (
		declaredGzip !== undefined &&
		declaredGzip !== ( record.content === 'gzip' )
	) {
		throw new ImageValidationError(
			'LAYER_COMPRESSION_MISMATCH',
			`${ label } is declared as ${ mediaType } but its bytes are ${ record.content === 'gzip' ? 'gzip-compressed' : 'an uncompressed tar' }. A registry client would fail to unpack it; re-export the image so media types match the data.`
		);
	}
	if ( record.layerProblem ) {
		throw record.layerProblem;
	}
	if ( ! record.diffId ) {
		throw new Error( `No diff_id was computed for ${ label }.` );
	}
	return {
		digest: record.digest,
		diffId: record.diffId,
		size: record.size,
		mediaType,
	};
}

function checkLayerCount( count: number, limits: ArchiveLimits ): void {
	if ( count > limits.maxLayers ) {
		throw new ImageValidationError(
			'TOO_MANY_LAYERS',
			`The image has ${ count } layers; the limit is ${ limits.maxLayers }. Squash some layers (fewer RUN/COPY steps).`
		);
	}
}

export interface ChosenImage {
	format: 'docker-archive' | 'oci-archive';
	config: BlobRecord;
	manifestDigest?: string;
	layers: LayerFacts[];
	repoTags: string[];
}

export function chooseDockerImage(
	archive: ArchiveIndex,
	limits: ArchiveLimits,
	options: ValidateOptions
): ChosenImage {
	const images = parseDocument(
		archive.file( 'manifest.json', 'manifest' ),
		'manifest',
		dockerArchiveManifestSchema,
		limits.maxManifestBytes
	);
	const names = images.flatMap( ( image ) => image.RepoTags ?? [] );
	let image = images[ 0 ];
	if ( options.image !== undefined ) {
		image = images.find( ( candidate ) =>
			candidate.RepoTags?.includes( options.image ?? '' )
		);
		if ( ! image ) {
			throw imageNotFound( options.image, names );
		}
	} else if ( images.length > 1 ) {
		throw manyImagesError( names );
	}
	if ( ! image ) {
		throw new Error( 'manifest.json parsed without images' );
	}
	checkLayerCount( image.Layers.length, limits );
	const layers = image.Layers.map( ( path, position ) => {
		const record = archive.file( path, `layer ${ position + 1 }` );
		const mediaType =
			record.content === 'gzip'
				? MEDIA_TYPES.dockerLayerGzip
				: MEDIA_TYPES.dockerLayer;
		return layerFacts( record, position, undefined, mediaType );
	} );
	return {
		format: 'docker-archive',
		config: archive.file( image.Config, 'image configuration' ),
		layers,
		repoTags: image.RepoTags ?? [],
	};
}

function refNames( descriptor: Descriptor ): string[] {
	const names = REF_NAME_ANNOTATIONS.map(
		( key ) => descriptor.annotations?.[ key ]
	).filter( ( name ): name is string => Boolean( name ) );
	return [ ...new Set( names ) ];
}

/** An image manifest listed by the archive, with the names it goes by. */
interface Candidate {
	descriptor: Descriptor;
	names: string[];
}

export function chooseOciImage(
	archive: ArchiveIndex,
	limits: ArchiveLimits,
	options: ValidateOptions
): ChosenImage {
	if ( ! archive.has( 'oci-layout' ) ) {
		throw new ImageValidationError(
			'OCI_LAYOUT_INVALID',
			'The archive has index.json but no oci-layout file, so it is not an OCI image layout. Re-export it with skopeo copy … oci-archive: or docker save.'
		);
	}
	parseDocument(
		archive.file( 'oci-layout', 'oci-layout file' ),
		'layout',
		ociLayoutSchema,
		limits.maxIndexBytes
	);
	const index = parseDocument(
		archive.file( 'index.json', 'image index' ),
		'index',
		imageIndexSchema,
		limits.maxIndexBytes
	);

	// One level of nesting: a multi-platform image inside the layout's index.
	const candidates: Candidate[] = [];
	for ( const descriptor of index.manifests ) {
		if ( ! INDEX_MEDIA_TYPES.includes( descriptor.mediaType ) ) {
			candidates.push( { descriptor, names: refNames( descriptor ) } );
			continue;
		}
		const nested = parseDocument(
			archive.blob( descriptor, 'image index' ),
			'index',
			imageIndexSchema,
			limits.maxIndexBytes
		);
		// Platform manifests inside a named index go by the index's name.
		for ( const inner of nested.manifests ) {
			const names = refNames( inner );
			candidates.push( {
				descriptor: inner,
				names: names.length ? names : refNames( descriptor ),
			} );
		}
	}
	const images = candidates.filter( ( { descriptor } ) =>
		MANIFEST_MEDIA_TYPES.includes( descriptor.mediaType )
	);
	if ( images.length === 0 ) {
		if ( candidates.length > 0 ) {
			const found = new Set(
				candidates.map( ( { descriptor } ) => descriptor.mediaType )
			);
			throw new ImageValidationError(
				'MANIFEST_MEDIA_TYPE_UNSUPPORTED',
				`The archive's manifests have the media types ${ [ ...found ].join( ', ' ) }; supported are ${ MANIFEST_MEDIA_TYPES.join( ', ' ) }. Re-export the image as OCI or Docker v2 schema 2.`
			);
		}
		throw new ImageValidationError(
			'INDEX_INVALID',
			"The archive's index.json lists no image. Re-export the image."
		);
	}
	const describe = ( { descriptor, names }: Candidate ) =>
		names[ 0 ] ??
		( descriptor.platform
			? `${ descriptor.platform.os }/${ descriptor.platform.architecture }`
			: descriptor.digest );
	let chosen = images[ 0 ];
	if ( options.image !== undefined ) {
		const wanted = options.image;
		const matching = images.filter( ( { names } ) =>
			names.includes( wanted )
		);
		if ( matching.length === 0 ) {
			throw imageNotFound( wanted, images.map( describe ) );
		}
		if ( matching.length > 1 ) {
			throw manyImagesError( matching.map( describe ) );
		}
		chosen = matching[ 0 ];
	} else if ( images.length > 1 ) {
		throw manyImagesError( images.map( describe ) );
	}
	if ( ! chosen ) {
		throw new Error( 'no image chosen from a non-empty list' );
	}

	const manifest = parseDocument(
		archive.blob( chosen.descriptor, 'image manifest' ),
		'manifest',
		imageManifestSchema,
		limits.maxManifestBytes
	);
	if ( ! CONFIG_MEDIA_TYPES.includes( manifest.config.mediaType ) ) {
		throw new ImageValidationError(
			'CONFIG_INVALID',
			`The manifest's configuration has media type ${ manifest.config.mediaType }, so this is not a container image (expected ${ CONFIG_MEDIA_TYPES.join( ' or ' ) }).`
		);
	}
	checkLayerCount( manifest.layers.length, limits );
	const layers = manifest.layers.map( ( descriptor, position ) => {
		const declaredGzip = LAYER_MEDIA_TYPES.get( descriptor.mediaType );
		if ( declaredGzip === undefined ) {
			throw new ImageValidationError(
				'LAYER_MEDIA_TYPE_UNSUPPORTED',
				`Layer ${ position + 1 } has media type ${ descriptor.mediaType }; supported are ${ [ ...LAYER_MEDIA_TYPES.keys() ].join( ', ' ) }. Re-export the image with gzip or uncompressed layers.`
			);
		}
		return layerFacts(
			archive.blob( descriptor, `layer ${ position + 1 }` ),
			position,
			declaredGzip,
			descriptor.mediaType
		);
	} );
	return {
		format: 'oci-archive',
		config: archive.blob( manifest.config, 'image configuration' ),
		manifestDigest: chosen.descriptor.digest,
		layers,
		repoTags: chosen.names,
	};
}
