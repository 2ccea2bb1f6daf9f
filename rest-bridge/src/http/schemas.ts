import { z } from 'zod';

/** Request fields several resources share; each route plugin holds its own body schemas. */

export const appName = z
	.string()
	.regex( /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
		error: 'must be a DNS-1123 label: lower-case letters, digits and hyphens, at most 63 characters',
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
