/** Delay before a transient failure is retried: grows with each delivery. */
export function retryDelayMs( deliveryCount: number ): number {
	return Math.min( 1000 * 2 ** Math.max( 0, deliveryCount - 1 ), 60_000 );
}

export function sleep( ms: number ) {
	return new Promise( ( resolve ) => setTimeout( resolve, ms ) );
}

/** How often a message for a job this bridge's tables do not hold is handed back before it is dropped. */
export const UNKNOWN_JOB_DELIVERIES = 20;

/**
 * Whether a message for an unknown job goes back to the stream. A deployment with tables of its
 * own may share the NATS server (a second stack, tests beside a running stack): one of its
 * replicas knows the job, so the message must reach it rather than be dropped here.
 *
 * @param deliveryCount How often the message was delivered, this time included.
 */
export function handsBackUnknownJob( deliveryCount: number ): boolean {
	return deliveryCount < UNKNOWN_JOB_DELIVERIES;
}
