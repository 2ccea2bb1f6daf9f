/**
 * Validators for the shapes of docs/contract.json, compiled once from its JSON Schema
 * so the bridge checks what WordPress sends by the same rules the plugin uses.
 */
import { CONTRACT } from '@k8or-orbit/contract';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = addFormatsModule as unknown as ( ajv: Ajv ) => Ajv;

const ajv = new Ajv( { allErrors: true, strict: false } );
addFormats( ajv );
ajv.addSchema( { $id: 'contract', $defs: CONTRACT.schemas.$defs } );

export type ContractShape = keyof typeof CONTRACT.schemas.$defs;

/** A value that does not have the shape the contract gives it; the message says where. */
export class ContractShapeError extends Error {
	constructor( message: string ) {
		super( message );
		this.name = 'ContractShapeError';
	}
}

function describe( errors: ErrorObject[] | null | undefined ): string {
	return ( errors ?? [] )
		.map(
			( error ) =>
				`${ error.instancePath || '(the value)' } ${ error.message ?? 'is invalid' }`
		)
		.join( '; ' );
}

/**
 * Checks a value against a contract shape and returns it typed.
 *
 * @param shape  Name of the definition in schemas.$defs.
 * @param value  The value as received.
 * @param source What the value is, for the message.
 */
export function checkShape< T >(
	shape: ContractShape,
	value: unknown,
	source: string
): T {
	const validate = ajv.getSchema( `contract#/$defs/${ shape }` );
	if ( ! validate ) {
		throw new Error( `docs/contract.json defines no ${ shape }` );
	}
	if ( ! validate( value ) ) {
		throw new ContractShapeError(
			`${ source } is not a valid ${ shape }: ${ describe( validate.errors ) }`
		);
	}
	return value as T;
}
