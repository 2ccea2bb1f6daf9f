import type { Event } from '@k8or-orbit/contract';

export type { Actor, EventOutcome } from '@k8or-orbit/contract';

/** One job event, exactly as docs/contract.json (schemas.$defs.Event) shapes it. */
export type BridgeEvent = Event;

export function eventSubject(
	event: Pick< BridgeEvent, 'appName' | 'jobId' >
): string {
	return `orbit.events.${ event.appName }.${ event.jobId }`;
}

/**
 * The event as it is published on NATS, where browsers read it: without deploy inputs
 * (environment variable values are often secrets). The event log and WordPress keep them.
 */
export function broadcastEvent( event: BridgeEvent ): BridgeEvent {
	return { ...event, data: withoutDeployInputs( event.data ) };
}

function withoutDeployInputs(
	value: Record< string, unknown >
): Record< string, unknown > {
	return Object.fromEntries(
		Object.entries( value )
			.filter( ( [ key ] ) => key !== 'deployInputs' )
			.map( ( [ key, inner ] ) => [
				key,
				inner && typeof inner === 'object' && ! Array.isArray( inner )
					? withoutDeployInputs( inner as Record< string, unknown > )
					: inner,
			] )
	);
}
