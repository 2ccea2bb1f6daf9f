import {
	APP_NAME_PATTERN,
	LIMITS,
	VERSION_LABEL_PATTERN,
	type Policies,
} from '@k8or-orbit/contract';
import { z } from 'zod';
import { checkShape } from '../contract/schemas.js';
import { deployInputsSchema, describeInputProblems } from '../deploy/inputs.js';
import { GatePolicyError, parsePolicy } from '../scan/gate.js';

/** Request fields several resources share; each route plugin holds its own body schemas. */

export const appName = z.string().regex( APP_NAME_PATTERN, {
	error: 'must be a DNS-1123 label: lower-case letters, digits and hyphens, at most 63 characters',
} );

/**
 * A version label as the upload form gives it (`1.0.1`, `v0-0-02`): unique per
 * app, also a folder of the app's storage, so no slashes and no leading dot.
 */
export const versionLabel = z.string().regex( VERSION_LABEL_PATTERN, {
	error: 'must be a version label: letters, digits, dots, dashes and underscores, starting with a letter or digit, at most 64 characters',
} );

export const actor = z.object( {
	id: z.number().int().min( 0 ),
	login: z.string().min( 1 ).max( LIMITS.loginLength ),
} );

/** Each environment's policy as WordPress sends it with a job that decides verdicts. */
export const policies = z
	.unknown()
	.optional()
	.transform( ( value ) =>
		checkShape< Policies >( 'Policies', value ?? {}, 'policies' )
	);

/** One environment's policy as WordPress sends it, checked by the contract's Policy shape. */
export const policy = z.unknown().transform( ( value, context ) => {
	try {
		return parsePolicy( value, 'policy' );
	} catch ( error ) {
		if ( ! ( error instanceof GatePolicyError ) ) {
			throw error;
		}
		context.addIssue( { code: 'custom', message: error.message } );
		return z.NEVER;
	}
} );

/** A deploy's inputs, with every problem named in one message. */
export const deployInputs = z.unknown().transform( ( value, context ) => {
	const parsed = deployInputsSchema.safeParse( value ?? {} );
	if ( ! parsed.success ) {
		context.addIssue( {
			code: 'custom',
			message: describeInputProblems( parsed.error ),
		} );
		return z.NEVER;
	}
	return parsed.data;
} );

export const uuid = z.uuid( { error: 'must be an id this API handed out' } );

/** One of the environments this bridge serves. */
export function environmentName( environments: string[] ) {
	return z.enum( environments as [ string, ...string[] ], {
		error: `must be one of ${ environments.join( ', ' ) }`,
	} );
}
