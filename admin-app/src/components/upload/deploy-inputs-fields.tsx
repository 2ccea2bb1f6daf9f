/**
 * WordPress dependencies
 */
import { Button, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { DeployInputs } from '../../api/types';
import type { UploadFormAction } from '../../upload/form-state';
import { MAX_ENV_VARS, deployInputErrors } from '../../upload/validate';

interface DeployInputsFieldsProps {
	inputs: DeployInputs;
	errors: ReturnType< typeof deployInputErrors >;
	/** Whether the port was prefilled from the image's exposed ports. */
	portFromImage: boolean;
	disabled: boolean;
	dispatch: ( action: UploadFormAction ) => void;
}

/** The label of one resource field, e.g. "CPU request". */
function resourceLabel(
	kind: 'requests' | 'limits',
	resource: 'cpu' | 'memory'
): string {
	if ( kind === 'requests' ) {
		return resource === 'cpu'
			? __( 'CPU request', 'k8or-orbit' )
			: __( 'Memory request', 'k8or-orbit' );
	}
	return resource === 'cpu'
		? __( 'CPU limit', 'k8or-orbit' )
		: __( 'Memory limit', 'k8or-orbit' );
}

/**
 * Replicas, container port, resources and environment variables used when the app is deployed.
 *
 * @param props               Component props.
 * @param props.inputs        The deploy inputs.
 * @param props.errors        What is wrong with them.
 * @param props.portFromImage Whether the port came from the image.
 * @param props.disabled      Whether the fields are disabled.
 * @param props.dispatch      Sends the form's actions.
 */
export function DeployInputsFields( {
	inputs,
	errors,
	portFromImage,
	disabled,
	dispatch,
}: DeployInputsFieldsProps ) {
	return (
		<fieldset className="k8or-orbit-deploy-inputs" disabled={ disabled }>
			<legend>
				{ __(
					'Deploy inputs (used when it is deployed)',
					'k8or-orbit'
				) }
			</legend>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				type="number"
				label={ __( 'Replicas', 'k8or-orbit' ) }
				min={ 1 }
				max={ 20 }
				value={ inputs.replicas }
				onChange={ ( value ) =>
					dispatch( {
						type: 'replicas-changed',
						value: Number( value ),
					} )
				}
				help={ errors.replicas }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				type="number"
				label={ __( 'Container port', 'k8or-orbit' ) }
				min={ 1 }
				max={ 65535 }
				value={ inputs.containerPort ?? '' }
				onChange={ ( value ) =>
					dispatch( {
						type: 'port-changed',
						value: value === '' ? null : Number( value ),
					} )
				}
				help={
					errors.containerPort ??
					( portFromImage
						? __(
								'Prefilled from the image’s exposed ports.',
								'k8or-orbit'
							)
						: undefined )
				}
			/>
			{ ( [ 'requests', 'limits' ] as const ).map( ( kind ) => (
				<div className="k8or-orbit-resources" key={ kind }>
					{ ( [ 'cpu', 'memory' ] as const ).map( ( resource ) => (
						<TextControl
							key={ resource }
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ resourceLabel( kind, resource ) }
							value={ inputs.resources[ kind ][ resource ] }
							onChange={ ( value ) =>
								dispatch( {
									type: 'resource-changed',
									kind,
									resource,
									value,
								} )
							}
						/>
					) ) }
				</div>
			) ) }
			{ ( errors.cpu || errors.memory ) && (
				<p className="k8or-orbit-error" role="alert">
					{ [ errors.cpu, errors.memory ]
						.filter( Boolean )
						.join( ' ' ) }
				</p>
			) }
			<div className="k8or-orbit-env">
				<p>{ __( 'Environment variables', 'k8or-orbit' ) }</p>
				{ inputs.env.map( ( variable, index ) => (
					<div className="k8or-orbit-env__row" key={ index }>
						<TextControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ sprintf(
								/* translators: %d: row number. */
								__( 'Variable %d name', 'k8or-orbit' ),
								index + 1
							) }
							value={ variable.name }
							onChange={ ( value ) =>
								dispatch( {
									type: 'variable-changed',
									index,
									change: { name: value },
								} )
							}
						/>
						<TextControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ sprintf(
								/* translators: %d: row number. */
								__( 'Variable %d value', 'k8or-orbit' ),
								index + 1
							) }
							value={ variable.value }
							onChange={ ( value ) =>
								dispatch( {
									type: 'variable-changed',
									index,
									change: { value },
								} )
							}
						/>
						<Button
							variant="tertiary"
							isDestructive
							onClick={ () =>
								dispatch( { type: 'variable-removed', index } )
							}
						>
							{ sprintf(
								/* translators: %d: row number. */
								__( 'Remove variable %d', 'k8or-orbit' ),
								index + 1
							) }
						</Button>
					</div>
				) ) }
				<Button
					variant="secondary"
					disabled={ inputs.env.length >= MAX_ENV_VARS }
					onClick={ () => dispatch( { type: 'variable-added' } ) }
				>
					{ __( 'Add variable', 'k8or-orbit' ) }
				</Button>
				{ errors.env && (
					<p className="k8or-orbit-error" role="alert">
						{ errors.env }
					</p>
				) }
			</div>
		</fieldset>
	);
}
