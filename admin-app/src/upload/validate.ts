/**
 * Checks of the upload form, each returning what to fix (or nothing).
 */

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { DeployInputs, EnvVar } from '../api/types';

const APP_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The version label rule, as the plugin (App_Meta) and the bridge (schemas.ts) hold it. */
const VERSION_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CPU = /^([0-9]+m|[0-9]+(\.[0-9]{1,3})?)$/;
const MEMORY = /^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_REPLICAS = 20;
export const MAX_ENV_VARS = 50;

export function appNameError( name: string ): string | null {
	if ( ! name ) {
		return __( 'Enter a name for the app.', 'k8or-orbit' );
	}
	if ( ! APP_NAME.test( name ) ) {
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
	if ( ! VERSION_LABEL.test( label ) ) {
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
	return tag !== 'latest' && VERSION_LABEL.test( tag ) ? tag : '';
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

function envError( env: EnvVar[] ): string | null {
	if ( env.length > MAX_ENV_VARS ) {
		return __( 'At most 50 environment variables.', 'k8or-orbit' );
	}
	const names = new Set< string >();
	for ( const { name } of env ) {
		if ( ! ENV_NAME.test( name ) ) {
			return __(
				'Environment variable names use letters, digits and underscores and do not start with a digit.',
				'k8or-orbit'
			);
		}
		if ( names.has( name ) ) {
			return __(
				'Each environment variable may appear once.',
				'k8or-orbit'
			);
		}
		names.add( name );
	}
	return null;
}

/**
 * Problems in the deploy inputs, keyed by the field they belong to.
 *
 * @param inputs The deploy inputs.
 */
export function deployInputErrors(
	inputs: DeployInputs
): Partial<
	Record< 'replicas' | 'containerPort' | 'cpu' | 'memory' | 'env', string >
> {
	const errors: ReturnType< typeof deployInputErrors > = {};
	if (
		! Number.isInteger( inputs.replicas ) ||
		inputs.replicas < 1 ||
		inputs.replicas > MAX_REPLICAS
	) {
		errors.replicas = __(
			'Replicas: a whole number from 1 to 20.',
			'k8or-orbit'
		);
	}
	if (
		inputs.containerPort !== null &&
		( ! Number.isInteger( inputs.containerPort ) ||
			inputs.containerPort < 1 ||
			inputs.containerPort > 65535 )
	) {
		errors.containerPort = __(
			'Container port: a number from 1 to 65535, or empty to use the image’s first exposed port.',
			'k8or-orbit'
		);
	}
	const { requests, limits } = inputs.resources;
	if ( ! [ requests.cpu, limits.cpu ].every( ( cpu ) => CPU.test( cpu ) ) ) {
		errors.cpu = __(
			'CPU: cores such as 0.5 or millicores such as 500m.',
			'k8or-orbit'
		);
	}
	if (
		! [ requests.memory, limits.memory ].every( ( memory ) =>
			MEMORY.test( memory )
		)
	) {
		errors.memory = __(
			'Memory: a quantity such as 128Mi or 1Gi.',
			'k8or-orbit'
		);
	}
	const env = envError( inputs.env );
	if ( env ) {
		errors.env = env;
	}
	return errors;
}
