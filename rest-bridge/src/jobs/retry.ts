/** Delay before a transient failure is retried: grows with each delivery. */
export function retryDelayMs( deliveryCount: number ): number {
	return Math.min( 1000 * 2 ** Math.max( 0, deliveryCount - 1 ), 60_000 );
}

export function sleep( ms: number ) {
	return new Promise( ( resolve ) => setTimeout( resolve, ms ) );
}
