export type EventOutcome = 'started' | 'succeeded' | 'failed';

export interface Actor {
	id: number;
	login: string;
}

/** One job event, exactly as the contract (docs/architecture.md, "Events") shapes it. */
export interface BridgeEvent {
	jobId: string;
	seq: number;
	name: string;
	step: string;
	outcome: EventOutcome;
	appName: string;
	environment: string;
	actor: Actor;
	time: string;
	message?: string;
	data: Record< string, unknown >;
}

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
