/**
 * The deploy form's values and their checks. The limits and patterns come from the contract
 * (`limits.deployInputs`), which the REST route applies too; the field keys are the ones the
 * route names in `data.fields`, so a message from either lands next to the same field.
 */

/**
 * External dependencies
 */
import { LIMITS } from '@k8or-orbit/contract';

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { DeployInputs, EnvVar, ResourceAmounts } from './types';

const RULES = LIMITS.deployInputs;
const QUANTITY_PATTERNS = {
	cpu: new RegExp( RULES.cpuPattern ),
	memory: new RegExp( RULES.memoryPattern ),
};

/** What the form edits: text as typed, so a wrong value can be shown and fixed. */
export interface DeployFormValues {
	replicas: string;
	containerPort: string;
	requests: Required< ResourceAmounts >;
	limits: Required< ResourceAmounts >;
	env: EnvVar[];
	/** One item per line. */
	command: string;
	args: string;
}

export type FieldErrors = Record< string, string >;

const SUFFIXES: Record< string, number > = {
	'': 1,
	m: 0.001,
	k: 1e3,
	M: 1e6,
	G: 1e9,
	T: 1e12,
	P: 1e15,
	E: 1e18,
	Ki: 2 ** 10,
	Mi: 2 ** 20,
	Gi: 2 ** 30,
	Ti: 2 ** 40,
	Pi: 2 ** 50,
	Ei: 2 ** 60,
};

function quantity( value: string ): number {
	const [ , number = '0', suffix = '' ] =
		/^([0-9.]+)([A-Za-z]*)$/.exec( value ) ?? [];
	return Number( number ) * ( SUFFIXES[ suffix ] ?? 1 );
}

const lines = ( text: string ) =>
	text
		.split( '\n' )
		.map( ( line ) => line.trim() )
		.filter( Boolean );

/**
 * The form values of deploy inputs (from the last revision or the upload).
 *
 * @param inputs Inputs to start from.
 */
export function valuesFromInputs( inputs: DeployInputs ): DeployFormValues {
	const amounts = ( given: ResourceAmounts | undefined ) => ( {
		cpu: given?.cpu ?? '',
		memory: given?.memory ?? '',
	} );
	return {
		replicas: String( inputs.replicas ),
		containerPort:
			inputs.containerPort === undefined
				? ''
				: String( inputs.containerPort ),
		requests: amounts( inputs.resources?.requests ),
		limits: amounts( inputs.resources?.limits ),
		env: ( inputs.env ?? [] ).map( ( { name, value } ) => ( {
			name,
			value,
		} ) ),
		command: ( inputs.command ?? [] ).join( '\n' ),
		args: ( inputs.args ?? [] ).join( '\n' ),
	};
}

/**
 * The deploy inputs the form stands for (call after deployFormErrors() found none).
 *
 * @param values Form values.
 */
export function inputsFromValues( values: DeployFormValues ): DeployInputs {
	const present = ( amounts: Required< ResourceAmounts > ) =>
		Object.fromEntries(
			Object.entries( amounts ).filter( ( [ , amount ] ) => amount )
		);
	const inputs: DeployInputs = {
		replicas: Number( values.replicas ),
		resources: {
			requests: present( values.requests ),
			limits: present( values.limits ),
		},
		env: values.env.map( ( { name, value } ) => ( { name, value } ) ),
	};
	if ( values.containerPort.trim() !== '' ) {
		inputs.containerPort = Number( values.containerPort );
	}
	const command = lines( values.command );
	const args = lines( values.args );
	if ( command.length > 0 ) {
		inputs.command = command;
	}
	if ( args.length > 0 ) {
		inputs.args = args;
	}
	return inputs;
}

function integerBetween( text: string, min: number, max: number ) {
	const trimmed = text.trim();
	const number = Number( trimmed );
	return (
		/^[0-9]+$/.test( trimmed ) &&
		Number.isInteger( number ) &&
		number >= min &&
		number <= max
	);
}

function resourceErrors( values: DeployFormValues ): FieldErrors {
	const errors: FieldErrors = {};
	for ( const kind of [ 'requests', 'limits' ] as const ) {
		for ( const resource of [ 'cpu', 'memory' ] as const ) {
			const value = values[ kind ][ resource ].trim();
			if (
				value !== '' &&
				( value.length > RULES.quantityLength ||
					! QUANTITY_PATTERNS[ resource ].test( value ) )
			) {
				errors[ `resources.${ kind }.${ resource }` ] =
					resource === 'cpu'
						? __(
								'CPU: cores such as 0.5 or millicores such as 500m.',
								'k8or-orbit'
							)
						: __(
								'Memory: a quantity such as 128Mi or 1Gi.',
								'k8or-orbit'
							);
			}
		}
	}
	for ( const resource of [ 'cpu', 'memory' ] as const ) {
		const request = values.requests[ resource ].trim();
		const limit = values.limits[ resource ].trim();
		const key = `resources.requests.${ resource }`;
		if (
			request &&
			limit &&
			! errors[ key ] &&
			! errors[ `resources.limits.${ resource }` ] &&
			quantity( request ) > quantity( limit )
		) {
			errors[ key ] =
				resource === 'cpu'
					? __(
							'CPU request: at most the CPU limit, as Kubernetes requires.',
							'k8or-orbit'
						)
					: __(
							'Memory request: at most the memory limit, as Kubernetes requires.',
							'k8or-orbit'
						);
		}
	}
	return errors;
}

function envErrors( env: EnvVar[] ): FieldErrors {
	if ( env.length > RULES.envVars ) {
		return {
			env: sprintf(
				/* translators: %d: most variables. */
				__( 'Environment variables: at most %d.', 'k8or-orbit' ),
				RULES.envVars
			),
		};
	}
	const errors: FieldErrors = {};
	const pattern = new RegExp( RULES.envNamePattern );
	const seen = new Set< string >();
	env.forEach( ( { name, value }, index ) => {
		if ( name.length > RULES.envNameLength || ! pattern.test( name ) ) {
			errors[ `env.${ index }.name` ] = sprintf(
				/* translators: %d: most characters. */
				__(
					'Name: letters, digits and "_", not starting with a digit, at most %d characters (e.g. LOG_LEVEL).',
					'k8or-orbit'
				),
				RULES.envNameLength
			);
		} else if ( seen.has( name ) ) {
			errors[ `env.${ index }.name` ] = sprintf(
				/* translators: %s: variable name. */
				__( '%s is set twice; keep one.', 'k8or-orbit' ),
				name
			);
		}
		seen.add( name );
		if ( value.length > RULES.envValueLength ) {
			errors[ `env.${ index }.value` ] = sprintf(
				/* translators: %d: most characters. */
				__( 'Value: text of at most %d characters.', 'k8or-orbit' ),
				RULES.envValueLength
			);
		}
	} );
	return errors;
}

/**
 * What to fix in the form, keyed like the REST route's `data.fields`.
 *
 * @param values Form values.
 */
export function deployFormErrors( values: DeployFormValues ): FieldErrors {
	const errors: FieldErrors = {};
	if (
		! integerBetween(
			values.replicas,
			RULES.replicasMin,
			RULES.replicasMax
		)
	) {
		errors.replicas = sprintf(
			/* translators: 1: smallest, 2: largest number of replicas. */
			__( 'Replicas: a whole number from %1$d to %2$d.', 'k8or-orbit' ),
			RULES.replicasMin,
			RULES.replicasMax
		);
	}
	if (
		values.containerPort.trim() !== '' &&
		! integerBetween(
			values.containerPort,
			RULES.containerPortMin,
			RULES.containerPortMax
		)
	) {
		errors.containerPort = sprintf(
			/* translators: 1: lowest, 2: highest port. */
			__(
				'Container port: a whole number from %1$d to %2$d, or empty when the app listens on no port.',
				'k8or-orbit'
			),
			RULES.containerPortMin,
			RULES.containerPortMax
		);
	}
	for ( const field of [ 'command', 'args' ] as const ) {
		const items = lines( values[ field ] );
		if (
			items.length > RULES.commandArgs ||
			items.some( ( item ) => item.length > RULES.commandArgLength )
		) {
			errors[ field ] = sprintf(
				/* translators: 1: most items, 2: longest item. */
				__(
					'At most %1$d lines of at most %2$d characters each.',
					'k8or-orbit'
				),
				RULES.commandArgs,
				RULES.commandArgLength
			);
		}
	}
	return {
		...errors,
		...resourceErrors( values ),
		...envErrors( values.env ),
	};
}
