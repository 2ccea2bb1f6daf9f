import { z } from 'zod';

/** Request fields several resources share; each route plugin holds its own body schemas. */

export const appName = z
	.string()
	.regex( /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
		error: 'must be a DNS-1123 label: lower-case letters, digits and hyphens, at most 63 characters',
	} );

/**
 * A version label as the upload form gives it (`1.0.1`, `v0-0-02`): unique per
 * app, also a folder of the app's storage, so no slashes and no leading dot.
 */
export const VERSION_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const versionLabel = z.string().regex( VERSION_LABEL_PATTERN, {
	error: 'must be a version label: letters, digits, dots, dashes and underscores, starting with a letter or digit, at most 64 characters',
} );

export const actor = z.object( {
	id: z.number().int().min( 0 ),
	login: z.string().min( 1 ).max( 60 ),
} );

export const uuid = z.uuid( { error: 'must be an id this API handed out' } );

/** One of the environments this bridge serves. */
export function environmentName( environments: string[] ) {
	return z.enum( environments as [ string, ...string[] ], {
		error: `must be one of ${ environments.join( ', ' ) }`,
	} );
}
