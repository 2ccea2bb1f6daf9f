import { LIMITS } from '@k8or-orbit/contract';
import type { BridgeEvent } from './event.js';

/**
 * Events WordPress refused with a 4xx, kept instead of being resent forever: resending the
 * same events cannot succeed until someone fixes the cause, then delivers them again.
 */
export interface DeadLetter {
	/** `<refused at, epoch ms, 13 digits>-<jobId>-<first seq>`: sorts oldest first. */
	letterId: string;
	jobId: string;
	appName: string;
	environment: string;
	/** The refused batch, in seq order, as it was sent. */
	events: BridgeEvent[];
	/** WordPress's HTTP status and its answer (`code: message`). */
	httpStatus: number;
	answer: string;
	/** `refused` until a delivery is accepted. */
	status: 'refused' | 'delivered';
	/** Deliveries WordPress refused, the first included. */
	refusals: number;
	refusedAt: string;
	deliveredAt?: string;
}

export type NewDeadLetter = Pick<
	DeadLetter,
	'jobId' | 'appName' | 'environment' | 'events' | 'httpStatus' | 'answer'
>;

/** The dead-letter store's operations, each one write. */
export interface DeadLetters {
	add: ( letter: NewDeadLetter, at: Date ) => Promise< DeadLetter >;
	get: ( letterId: string ) => Promise< DeadLetter | undefined >;
	/** Newest first, at most `limit`. */
	list: ( limit: number ) => Promise< DeadLetter[] >;
	/** Records an accepted delivery; undefined when there is no such letter. */
	delivered: (
		letterId: string,
		at: string
	) => Promise< DeadLetter | undefined >;
	/** Records one more refusal with WordPress's latest answer. */
	refusedAgain: (
		letterId: string,
		httpStatus: number,
		answer: string,
		at: string
	) => Promise< DeadLetter | undefined >;
}

export function deadLetterId( letter: NewDeadLetter, at: Date ): string {
	const first = letter.events[ 0 ]?.seq ?? 0;
	return `${ String( at.getTime() ).padStart( 13, '0' ) }-${
		letter.jobId
	}-${ first }`;
}

/** WordPress's answer as much of it as a letter keeps. */
export function keptAnswer( answer: string ): string {
	return answer.slice( 0, LIMITS.deadLetters.answerLength );
}
