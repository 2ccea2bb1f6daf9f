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
