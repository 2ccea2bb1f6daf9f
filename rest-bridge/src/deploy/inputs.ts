import { LIMITS } from '@k8or-orbit/contract';
import { z } from 'zod';

const RULES = LIMITS.deployInputs;
const ENV_NAME = new RegExp( RULES.envNamePattern );
const CPU = new RegExp( RULES.cpuPattern );
const MEMORY = new RegExp( RULES.memoryPattern );

const BINARY = {
	Ki: 2 ** 10,
	Mi: 2 ** 20,
	Gi: 2 ** 30,
	Ti: 2 ** 40,
	Pi: 2 ** 50,
	Ei: 2 ** 60,
};
const DECIMAL = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a Kubernetes quantity ("250m", "128Mi", "1.5"), for comparisons. */
export function quantityValue( quantity: string ): number {
	const match = /^([\d.]+)([A-Za-z]*)$/.exec( quantity );
	const unit = match?.[ 2 ] ?? '';
	const scale =
		BINARY[ unit as keyof typeof BINARY ] ??
		DECIMAL[ unit as keyof typeof DECIMAL ] ??
		1;
	return Number( match?.[ 1 ] ) * scale;
}

const amounts = z.object( {
	cpu: z
		.string()
		.regex( CPU, {
			error: 'CPU must be cores ("0.5", "2") or millicores ("250m")',
		} )
		.optional(),
	memory: z
		.string()
		.regex( MEMORY, {
			error: 'memory must be a quantity such as "128Mi", "1Gi" or "500M"',
		} )
		.optional(),
} );

const envList = z
	.array(
		z.object( {
			name: z.string().regex( ENV_NAME, {
				error: 'an environment variable name is letters, digits and _, not starting with a digit, at most 128 characters',
			} ),
			value: z.string().max( RULES.envValueLength ),
		} )
	)
	.max( RULES.envVars );

const argumentList = z
	.array( z.string().max( RULES.commandArgLength ) )
	.max( RULES.commandArgs );

/**
 * What a person chooses when deploying, checked by the contract's
 * limits.deployInputs (the rules the console and the plugin apply too). `env` is accepted as a list of {name, value} or as the map the upload
 * stores; it is always a list afterwards.
 */
export const deployInputsSchema = z
	.object( {
		replicas: z
			.number()
			.int()
			.min( RULES.replicasMin )
			.max( RULES.replicasMax )
			.default( RULES.replicasMin ),
		containerPort: z.number().int().min( 1 ).max( 65535 ).optional(),
		resources: z
			.object( {
				requests: amounts.default( {} ),
				limits: amounts.default( {} ),
			} )
			.default( { requests: {}, limits: {} } ),
		env: z
			.union( [
				envList,
				z
					.record( z.string(), z.string() )
					.transform( ( map ) =>
						Object.entries( map ).map( ( [ name, value ] ) => ( {
							name,
							value,
						} ) )
					)
					.pipe( envList ),
			] )
			.default( [] ),
		command: argumentList.optional(),
		args: argumentList.optional(),
	} )
	.superRefine( ( inputs, context ) => {
		if ( JSON.stringify( inputs ).length > RULES.bytes ) {
			context.addIssue( {
				code: 'custom',
				path: [],
				message: `the deploy inputs are limited to ${ RULES.bytes } bytes of JSON`,
			} );
		}
		const names = new Set< string >();
		inputs.env.forEach( ( { name }, position ) => {
			if ( names.has( name ) ) {
				context.addIssue( {
					code: 'custom',
					path: [ 'env', position, 'name' ],
					message: `${ name } is set twice`,
				} );
			}
			names.add( name );
		} );
		for ( const resource of [ 'cpu', 'memory' ] as const ) {
			const request = inputs.resources.requests[ resource ];
			const limit = inputs.resources.limits[ resource ];
			if (
				request &&
				limit &&
				quantityValue( request ) > quantityValue( limit )
			) {
				context.addIssue( {
					code: 'custom',
					path: [ 'resources', 'requests', resource ],
					message: `the ${ resource } request (${ request }) is above its limit (${ limit })`,
				} );
			}
		}
	} );

export type DeployInputs = z.output< typeof deployInputsSchema >;

/** One line naming each problem with its field ("resources.limits.cpu: …"). */
export function describeInputProblems( error: z.ZodError ): string {
	return error.issues
		.map(
			( issue ) =>
				`${ issue.path.map( String ).join( '.' ) || 'inputs' }: ${ issue.message }`
		)
		.join( '; ' );
}
