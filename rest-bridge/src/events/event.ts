import type { Event } from '@k8or-orbit/contract';

export type { Actor, EventOutcome } from '@k8or-orbit/contract';

/** One job event, exactly as docs/contract.json (schemas.$defs.Event) shapes it. */
export type BridgeEvent = Event;

export function eventSubject(
	event: Pick< BridgeEvent, 'appName' | 'jobId' >
): string {
	return `orbit.events.${ event.appName }.${ event.jobId }`;
}
