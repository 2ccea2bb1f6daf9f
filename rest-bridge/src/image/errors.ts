/**
 * Stable error codes of image archive validation. Callers (the HTTP API, the
 * command line, job events) show the code next to the message, so a code never
 * changes meaning once released.
 */
export type ImageValidationCode =
	| 'ARCHIVE_TAR_INVALID'
	| 'ARCHIVE_COMPRESSED'
	| 'ARCHIVE_FORMAT_UNKNOWN'
	| 'ARCHIVE_TOO_MANY_ENTRIES'
	| 'ARCHIVE_TOO_LARGE'
	| 'ARCHIVE_NAME_TOO_LONG'
	| 'ARCHIVE_PATH_TRAVERSAL'
	| 'ARCHIVE_ABSOLUTE_PATH'
	| 'ARCHIVE_DUPLICATE_ENTRY'
	| 'ARCHIVE_LINK_OUTSIDE'
	| 'ARCHIVE_SPECIAL_FILE'
	| 'ARCHIVE_METADATA_TOO_LARGE'
	| 'ARCHIVE_MULTIPLE_IMAGES'
	| 'ARCHIVE_IMAGE_NOT_FOUND'
	| 'OCI_LAYOUT_INVALID'
	| 'JSON_MALFORMED'
	| 'INDEX_INVALID'
	| 'INDEX_TOO_LARGE'
	| 'MANIFEST_INVALID'
	| 'MANIFEST_TOO_LARGE'
	| 'MANIFEST_MEDIA_TYPE_UNSUPPORTED'
	| 'CONFIG_INVALID'
	| 'CONFIG_TOO_LARGE'
	| 'DIGEST_INVALID'
	| 'DIGEST_ALGORITHM_UNSUPPORTED'
	| 'BLOB_MISSING'
	| 'BLOB_DIGEST_MISMATCH'
	| 'DESCRIPTOR_SIZE_MISMATCH'
	| 'TOO_MANY_LAYERS'
	| 'DIFF_ID_COUNT_MISMATCH'
	| 'DIFF_ID_MISMATCH'
	| 'LAYER_MEDIA_TYPE_UNSUPPORTED'
	| 'LAYER_COMPRESSION_MISMATCH'
	| 'LAYER_GZIP_CORRUPT'
	| 'LAYER_DECOMPRESSED_TOO_LARGE'
	| 'LAYER_TAR_INVALID'
	| 'LAYER_TOO_MANY_ENTRIES'
	| 'LAYER_NAME_TOO_LONG'
	| 'LAYER_PATH_TRAVERSAL'
	| 'LAYER_ABSOLUTE_PATH'
	| 'LAYER_LINK_OUTSIDE'
	| 'LAYER_DEVICE_FILE';

/** An archive that is not an acceptable container image; the message says what to fix. */
export class ImageValidationError extends Error {
	readonly code: ImageValidationCode;

	constructor( code: ImageValidationCode, message: string ) {
		super( message );
		this.name = 'ImageValidationError';
		this.code = code;
	}
}
