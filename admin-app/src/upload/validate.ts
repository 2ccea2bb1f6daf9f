/**
 * Checks of the upload form, each returning what to fix (or nothing).
 */

/**
 * External dependencies
 */
import {
	APP_NAME_PATTERN,
	LIMITS,
	VERSION_LABEL_PATTERN,
} from '@k8or-orbit/contract';

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { DeployInputs } from '../api/types';
import {
	deployFormErrors,
	valuesFromInputs,
} from '../../../ui/src/deploy/inputs';

export const MAX_ENV_VARS = LIMITS.deployInputs.envVars;

export function appNameError( name: string ): string | null {
	if ( ! name ) {
		return __( 'Enter a name for the app.', 'k8or-orbit' );
	}
	if ( ! APP_NAME_PATTERN.test( name ) ) {
		return __(
			'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit, at most 63 characters (e.g. hello-web).',
			'k8or-orbit'
		);
	}
	return null;
}

export function versionLabelError( label: string ): string | null {
	if ( ! label ) {
		return __(
			'Enter a version label for this upload (e.g. 1.0.1).',
			'k8or-orbit'
		);
	}
	if ( ! VERSION_LABEL_PATTERN.test( label ) ) {
		return __(
			'Use letters, digits, dots, dashes and underscores, starting with a letter or digit, at most 64 characters (e.g. 1.0.1).',
			'k8or-orbit'
		);
	}
	return null;
}

/**
 * A version label suggested by an image reference such as "hello-web:1.0.1": its tag, when it
 * is a valid label (not "latest", which says nothing about the version).
 *
 * @param reference Image reference.
 */
export function versionLabelFromReference( reference: string ): string {
	const tag = /:([^:/@]+)(@.*)?$/.exec( reference )?.[ 1 ] ?? '';
	return tag !== 'latest' && VERSION_LABEL_PATTERN.test( tag ) ? tag : '';
}

/**
 * An app name derived from an image reference such as "registry/team/hello-web:1.0".
 *
 * @param reference Image reference.
 */
export function appNameFromReference( reference: string ): string {
	const repository =
		reference
			.replace( /[:@].*$/, '' )
			.split( '/' )
			.pop() ?? '';
	return repository
		.toLowerCase()
		.replace( /[^a-z0-9-]+/g, '-' )
		.replace( /^-+|-+$/g, '' )
		.slice( 0, 63 )
		.replace( /-+$/, '' );
}

/**
 * Problems in the deploy inputs, keyed by the field of the upload form they belong to: the
 * deploy form's checks (ui/src/deploy/inputs), grouped the way this form lays its fields out.
 *
 * @param inputs The deploy inputs.
 */
export function deployInputErrors(
	inputs: DeployInputs
): Partial< Record< UploadInputField, string > > {
	const errors: Partial< Record< UploadInputField, string > > = {};
	const found = deployFormErrors(
		valuesFromInputs( {
			...inputs,
			containerPort: inputs.containerPort ?? undefined,
		} )
	);
	for ( const [ key, message ] of Object.entries( found ) ) {
		const field = uploadFieldOf( key );
		if ( field && ! errors[ field ] ) {
			errors[ field ] = message;
		}
	}
	return errors;
}

type UploadInputField = 'replicas' | 'containerPort' | 'cpu' | 'memory' | 'env';

/**
 * `resources.limits.cpu` → `cpu`, `env.2.name` → `env`.
 *
 * @param key A field key of the deploy form.
 */
function uploadFieldOf( key: string ): UploadInputField | undefined {
	const [ head, , resource ] = key.split( '.' );
	if ( head === 'resources' ) {
		return resource as 'cpu' | 'memory';
	}
	return ( [ 'replicas', 'containerPort', 'env' ] as const ).find(
		( field ) => field === head
	);
}
