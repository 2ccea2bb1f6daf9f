/**
 * Remembers unfinished uploads per file, so choosing the same file again after a page
 * reload continues where it stopped instead of starting over.
 */

/**
 * Internal dependencies
 */
import type { UploadedPart } from '../api/types';

const STORAGE_KEY = 'k8or-orbit:unfinished-uploads';
/** Older records are dropped: the bridge's temporary bucket does not keep parts forever. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const MAX_RECORDS = 20;

export interface UnfinishedUpload {
	uploadId: string;
	appName: string;
	/** The version label the upload adds. */
	version?: string;
	savedAt: number;
	/** Parts stored so far, for storage that cannot list them. */
	parts?: UploadedPart[];
}

/**
 * Identifies a file across page loads without reading it: name, size and modification time.
 *
 * @param file The chosen file.
 */
export function fileFingerprint( file: File ): string {
	return `${ file.name }\u0000${ file.size }\u0000${ file.lastModified }`;
}

function readAll(): Record< string, UnfinishedUpload > {
	try {
		const parsed: unknown = JSON.parse(
			window.localStorage.getItem( STORAGE_KEY ) ?? '{}'
		);
		return parsed && typeof parsed === 'object'
			? ( parsed as Record< string, UnfinishedUpload > )
			: {};
	} catch {
		return {};
	}
}

function writeAll( records: Record< string, UnfinishedUpload > ) {
	const newest = Object.entries( records )
		.sort( ( [ , a ], [ , b ] ) => b.savedAt - a.savedAt )
		.slice( 0, MAX_RECORDS );
	window.localStorage.setItem(
		STORAGE_KEY,
		JSON.stringify( Object.fromEntries( newest ) )
	);
}

/**
 * The unfinished upload of this file, if one was recorded recently.
 *
 * @param file The chosen file.
 * @param now  Current time in ms.
 */
export function findUnfinishedUpload(
	file: File,
	now = Date.now()
): UnfinishedUpload | null {
	const record = readAll()[ fileFingerprint( file ) ];
	if (
		! record ||
		typeof record.uploadId !== 'string' ||
		now - record.savedAt > MAX_AGE_MS
	) {
		return null;
	}
	return record;
}

export function rememberUpload(
	file: File,
	upload: Omit< UnfinishedUpload, 'savedAt' >,
	now = Date.now()
) {
	writeAll( {
		...readAll(),
		[ fileFingerprint( file ) ]: { ...upload, savedAt: now },
	} );
}

/**
 * Records a part the storage accepted, so a resume can skip it even where the storage
 * cannot list parts.
 *
 * @param file The archive.
 * @param part The stored part.
 */
export function rememberPart( file: File, part: UploadedPart ) {
	const records = readAll();
	const record = records[ fileFingerprint( file ) ];
	if ( ! record ) {
		return;
	}
	const parts = ( record.parts ?? [] ).filter(
		( known ) => known.partNumber !== part.partNumber
	);
	writeAll( {
		...records,
		[ fileFingerprint( file ) ]: { ...record, parts: [ ...parts, part ] },
	} );
}

export function forgetUpload( file: File ) {
	const records = readAll();
	delete records[ fileFingerprint( file ) ];
	writeAll( records );
}
