/**
 * WordPress dependencies
 */
import {
	Button,
	SelectControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import type { ReactNode } from 'react';

/**
 * Internal dependencies
 */
import type { DeployFormValues, FieldErrors } from './inputs';

/**
 * The message of one field, tied to it by id.
 *
 * @param props         Component props.
 * @param props.id      Element id (the field's aria-describedby).
 * @param props.message What to fix, if anything.
 */
function FieldError( { id, message }: { id: string; message?: string } ) {
	return message ? (
		<p id={ id } className="k8or-orbit-deploy-form__error">
			{ message }
		</p>
	) : null;
}

/**
 * Props of a text field that shows its message next to it.
 */
interface FieldProps {
	field: string;
	label: string;
	value: string;
	errors: FieldErrors;
	onChange: ( value: string ) => void;
	help?: ReactNode;
	type?: 'text' | 'number';
}

function Field( {
	field,
	label,
	value,
	errors,
	onChange,
	help,
	type = 'text',
}: FieldProps ) {
	const id = `k8or-orbit-deploy-${ field.replace( /\./g, '-' ) }`;
	return (
		<div className="k8or-orbit-deploy-form__field">
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ label }
				type={ type }
				value={ value }
				help={ help }
				onChange={ onChange }
				aria-invalid={ errors[ field ] ? true : undefined }
				aria-describedby={
					errors[ field ] ? `${ id }-error` : undefined
				}
			/>
			<FieldError id={ `${ id }-error` } message={ errors[ field ] } />
		</div>
	);
}

export interface DeployFormProps {
	values: DeployFormValues;
	errors: FieldErrors;
	onChange: ( values: DeployFormValues ) => void;
	environments: string[];
	environment: string;
	onEnvironmentChange: ( environment: string ) => void;
}

/**
 * The deploy inputs: replicas, port, resources, environment variables, command and args.
 */
export function DeployForm( {
	values,
	errors,
	onChange,
	environments,
	environment,
	onEnvironmentChange,
}: DeployFormProps ) {
	const set = ( changes: Partial< DeployFormValues > ) =>
		onChange( { ...values, ...changes } );
	const setEnv = (
		index: number,
		changes: { name?: string; value?: string }
	) =>
		set( {
			env: values.env.map( ( variable, position ) =>
				position === index ? { ...variable, ...changes } : variable
			),
		} );
	return (
		<div className="k8or-orbit-deploy-form">
			{ environments.length > 1 && (
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Environment', 'k8or-orbit' ) }
					value={ environment }
					options={ environments.map( ( name ) => ( {
						label: name,
						value: name,
					} ) ) }
					onChange={ onEnvironmentChange }
				/>
			) }
			<div className="k8or-orbit-deploy-form__row">
				<Field
					field="replicas"
					label={ __( 'Replicas', 'k8or-orbit' ) }
					type="number"
					value={ values.replicas }
					errors={ errors }
					onChange={ ( replicas ) => set( { replicas } ) }
				/>
				<Field
					field="containerPort"
					label={ __( 'Container port', 'k8or-orbit' ) }
					type="number"
					value={ values.containerPort }
					errors={ errors }
					onChange={ ( containerPort ) => set( { containerPort } ) }
				/>
			</div>
			{ ( [ 'requests', 'limits' ] as const ).map( ( kind ) => (
				<div key={ kind } className="k8or-orbit-deploy-form__row">
					{ ( [ 'cpu', 'memory' ] as const ).map( ( resource ) => (
						<Field
							key={ resource }
							field={ `resources.${ kind }.${ resource }` }
							label={ sprintf(
								/* translators: 1: CPU or Memory, 2: request or limit. */
								__( '%1$s %2$s', 'k8or-orbit' ),
								resource === 'cpu'
									? __( 'CPU', 'k8or-orbit' )
									: __( 'Memory', 'k8or-orbit' ),
								kind === 'requests'
									? __( 'request', 'k8or-orbit' )
									: __( 'limit', 'k8or-orbit' )
							) }
							value={ values[ kind ][ resource ] }
							errors={ errors }
							onChange={ ( amount ) =>
								set( {
									[ kind ]: {
										...values[ kind ],
										[ resource ]: amount,
									},
								} )
							}
						/>
					) ) }
				</div>
			) ) }
			<fieldset className="k8or-orbit-deploy-form__env">
				<legend>{ __( 'Environment variables', 'k8or-orbit' ) }</legend>
				{ values.env.map( ( variable, index ) => (
					<div key={ index } className="k8or-orbit-deploy-form__row">
						<Field
							field={ `env.${ index }.name` }
							label={ __( 'Name', 'k8or-orbit' ) }
							value={ variable.name }
							errors={ errors }
							onChange={ ( name ) => setEnv( index, { name } ) }
						/>
						<Field
							field={ `env.${ index }.value` }
							label={ __( 'Value', 'k8or-orbit' ) }
							value={ variable.value }
							errors={ errors }
							onChange={ ( value ) => setEnv( index, { value } ) }
						/>
						<Button
							variant="tertiary"
							isDestructive
							label={ sprintf(
								/* translators: %s: variable name. */
								__( 'Remove %s', 'k8or-orbit' ),
								variable.name ||
									__( 'this variable', 'k8or-orbit' )
							) }
							onClick={ () =>
								set( {
									env: values.env.filter(
										( _, position ) => position !== index
									),
								} )
							}
						>
							{ __( 'Remove', 'k8or-orbit' ) }
						</Button>
					</div>
				) ) }
				<FieldError
					id="k8or-orbit-deploy-env-error"
					message={ errors.env }
				/>
				<Button
					variant="secondary"
					onClick={ () =>
						set( {
							env: [ ...values.env, { name: '', value: '' } ],
						} )
					}
				>
					{ __( 'Add variable', 'k8or-orbit' ) }
				</Button>
			</fieldset>
			{ ( [ 'command', 'args' ] as const ).map( ( field ) => (
				<div key={ field } className="k8or-orbit-deploy-form__field">
					<TextareaControl
						__nextHasNoMarginBottom
						label={
							field === 'command'
								? __(
										'Command (optional, one item per line)',
										'k8or-orbit'
									)
								: __(
										'Args (optional, one item per line)',
										'k8or-orbit'
									)
						}
						rows={ 2 }
						value={ values[ field ] }
						onChange={ ( text ) => set( { [ field ]: text } ) }
						aria-invalid={ errors[ field ] ? true : undefined }
					/>
					<FieldError
						id={ `k8or-orbit-deploy-${ field }-error` }
						message={ errors[ field ] }
					/>
				</div>
			) ) }
		</div>
	);
}
