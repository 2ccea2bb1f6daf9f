import { posix } from 'node:path';

import { ImageValidationError } from './errors.js';

/** Where an entry sits: the outer archive, or the file tree inside one of its layers. */
export type EntryScope = 'ARCHIVE' | 'LAYER';

/**
 * Checks a tar entry name and returns it normalized (no leading "./", no
 * trailing "/"), so that "./a" and "a" count as the same entry.
 *
 * @param name          name from the tar header
 * @param scope         outer archive or layer contents; picks the error code family
 * @param where         words naming the place, for the message ("the archive", "layer x")
 * @param maxNameLength longest accepted name
 */
export function normalizeEntryName(
	name: string,
	scope: EntryScope,
	where: string,
	maxNameLength: number
): string {
	if ( name.length > maxNameLength ) {
		throw new ImageValidationError(
			`${ scope }_NAME_TOO_LONG`,
			`An entry name in ${ where } is ${ name.length } characters long; the limit is ${ maxNameLength }. Rebuild the image with shorter paths.`
		);
	}
	// umoci writes the layer root itself as "/"; that names no file outside the layer.
	const layerRoot = scope === 'LAYER' && /^\/+$/.test( name );
	if ( name.startsWith( '/' ) && ! layerRoot ) {
		throw new ImageValidationError(
			`${ scope }_ABSOLUTE_PATH`,
			`Entry "${ name }" in ${ where } has an absolute path. Archive entries must be relative; re-create the archive without absolute names.`
		);
	}
	const segments = name
		.split( '/' )
		.filter( ( segment ) => segment !== '' && segment !== '.' );
	if ( segments.includes( '..' ) || name.includes( '\0' ) ) {
		throw new ImageValidationError(
			`${ scope }_PATH_TRAVERSAL`,
			`Entry "${ name }" in ${ where } tries to leave its directory ("..") — such archives can overwrite files elsewhere. Re-create the archive from a clean image.`
		);
	}
	return segments.join( '/' );
}

/**
 * The entry a link points at, relative to the root of its tree, or an error
 * when it points outside. Symlink targets are relative to the link's own
 * directory; hardlink targets to the root.
 *
 * Absolute symlink targets inside a layer are normal (`/bin -> /usr/bin`): a
 * container resolves them inside its own root, so only `..` escapes count there.
 */
export function resolveLinkTarget(
	entryName: string,
	linkname: string,
	kind: 'symlink' | 'link',
	scope: EntryScope,
	where: string
): string {
	const outside = () =>
		new ImageValidationError(
			`${ scope }_LINK_OUTSIDE`,
			`Link "${ entryName }" in ${ where } points to "${ linkname }", outside ${ where }. Re-create the archive without links leaving it.`
		);
	if ( linkname.startsWith( '/' ) ) {
		if ( scope === 'LAYER' && kind === 'symlink' ) {
			return posix.normalize( linkname ).slice( 1 );
		}
		throw outside();
	}
	const base = kind === 'symlink' ? posix.dirname( entryName ) : '.';
	const resolved = posix.normalize( posix.join( base, linkname ) );
	if ( resolved === '..' || resolved.startsWith( '../' ) ) {
		throw outside();
	}
	return resolved === '.' ? '' : resolved.replace( /\/$/, '' );
}
