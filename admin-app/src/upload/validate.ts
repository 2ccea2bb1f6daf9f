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
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { DeployInputs, EnvVar } from '../api/types';

const CPU = new RegExp( LIMITS.deployInputs.cpuPattern );
const MEMORY = new RegExp( LIMITS.deployInputs.memoryPattern );
const ENV_NAME = new RegExp( LIMITS.deployInputs.envNamePattern );
export const MAX_REPLICAS = LIMITS.deployInputs.replicasMax;
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

function envError( env: EnvVar[] ): string | null {
	if ( env.length > MAX_ENV_VARS ) {
		return sprintf(
			/* translators: %d: the most environment variables allowed. */
			__( 'At most %d environment variables.', 'k8or-orbit' ),
			MAX_ENV_VARS
		);
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
		inputs.replicas < LIMITS.deployInputs.replicasMin ||
		inputs.replicas > MAX_REPLICAS
	) {
		errors.replicas = sprintf(
			/* translators: %d: the most replicas allowed. */
			__( 'Replicas: a whole number from 1 to %d.', 'k8or-orbit' ),
			MAX_REPLICAS
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
