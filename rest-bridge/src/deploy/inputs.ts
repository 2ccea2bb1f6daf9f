import { z } from 'zod';

/** Kubernetes' environment variable name rule (a C identifier, also . and -). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CPU = /^(?:\d+(?:\.\d+)?|\.\d+)m?$/;
const MEMORY = /^(?:\d+(?:\.\d+)?|\.\d+)(?:[KMGTPE]i|[kMGTPE])?$/;
const MAX_ENV = 100;
const MAX_ENV_VALUE = 32 * 1024;
const MAX_ARGUMENTS = 64;
const MAX_ARGUMENT_LENGTH = 4096;

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
				error: 'an environment variable name is letters, digits, _ . and -, not starting with a digit',
			} ),
			value: z.string().max( MAX_ENV_VALUE ),
		} )
	)
	.max( MAX_ENV );

const argumentList = z
	.array( z.string().max( MAX_ARGUMENT_LENGTH ) )
	.max( MAX_ARGUMENTS );

/**
 * What a person chooses when deploying, checked as Kubernetes would check
 * it. `env` is accepted as a list of {name, value} or as the map the upload
 * stores; it is always a list afterwards.
 */
export const deployInputsSchema = z
	.object( {
		replicas: z.number().int().min( 0 ).max( 100 ).default( 1 ),
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
