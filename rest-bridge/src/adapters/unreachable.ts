/**
 * A request that got no answer at all (refused, reset, timed out) fails with the bare socket
 * error, which does not say which service was down; a job that gives up after its retries
 * repeats that message to the operator. This puts the service's name in front.
 */

/** Whether an AWS SDK error came without any HTTP answer from the service. */
function noAnswer( error: unknown ): error is Error {
	const metadata = ( error as { $metadata?: { httpStatusCode?: number } } )
		?.$metadata;
	return error instanceof Error && ! metadata?.httpStatusCode;
}

type Handler = ( args: unknown ) => Promise< unknown >;

/** The part of an AWS SDK client used here (any client's stack takes an initialize step). */
interface MiddlewareClient {
	middlewareStack: {
		add: (
			middleware: never,
			options: { step: 'initialize'; name: string }
		) => void;
	};
}

/**
 * Makes every request of an AWS SDK client that the service never answered (after the SDK's
 * own retries) fail with "<service> at <endpoint> did not answer (<cause>)".
 *
 * @param client   An S3 or DynamoDB client.
 * @param service  How operators know the service, e.g. "S3".
 * @param endpoint Its address, when configured.
 */
export function nameServiceWhenUnreachable(
	client: MiddlewareClient,
	service: string,
	endpoint?: string
) {
	const where = endpoint ? `${ service } at ${ endpoint }` : service;
	const middleware =
		( next: Handler ): Handler =>
		async ( args ) => {
			try {
				return await next( args );
			} catch ( error ) {
				if (
					noAnswer( error ) &&
					! error.message.startsWith( where )
				) {
					error.message = `${ where } did not answer (${ error.message })`;
				}
				throw error;
			}
		};
	client.middlewareStack.add( middleware as never, {
		step: 'initialize',
		name: 'nameServiceWhenUnreachable',
	} );
}
