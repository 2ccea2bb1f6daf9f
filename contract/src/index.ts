/**
 * The shared rules (docs/contract.json) as constants and types. Every part imports
 * them from here instead of restating a pattern, a limit, an event name or a shape.
 */
import { CONTRACT, type Severity, type SeverityLimit } from './contract.js';

export * from './contract.js';

/** Severities, most severe first. */
export const SEVERITIES: readonly Severity[] = CONTRACT.severities.order;
/** What a policy's maxSeverity may be, from "no finding" to "anything". */
export const SEVERITY_LIMITS: readonly SeverityLimit[] =
	CONTRACT.severities.limits;
export const LIMITS = CONTRACT.limits;
export const PATTERNS = CONTRACT.patterns;

export const APP_NAME_PATTERN = new RegExp( CONTRACT.patterns.appName );
export const ENVIRONMENT_NAME_PATTERN = new RegExp(
	CONTRACT.patterns.environmentName
);
export const ARCHIVE_FILENAME_PATTERN = new RegExp(
	CONTRACT.patterns.archiveFilename
);
/** A version label (`1.0.1`, `v0-0-02`): unique per app, also a folder of its storage. */
export const VERSION_LABEL_PATTERN = new RegExp(
	CONTRACT.patterns.versionLabel
);

export type JobKind = keyof typeof CONTRACT.jobs & string;
type Job = ( typeof CONTRACT.jobs )[ Exclude< JobKind, '$comment' > ];
export type DeclaredJobKind = Exclude< JobKind, '$comment' >;
/** Every event name a job of this kind may emit, its failure event included. */
export type JobEventName< K extends DeclaredJobKind > =
	| ( typeof CONTRACT.jobs )[ K ][ 'steps' ][ number ][ 'events' ][ number ]
	| ( typeof CONTRACT.jobs )[ K ][ 'failureEvent' ];

export const JOB_KINDS = Object.keys( CONTRACT.jobs ).filter(
	( kind ) => kind !== '$comment'
) as DeclaredJobKind[];

/** The declared job of a kind, or undefined for a kind the contract does not list. */
export function jobContract( kind: string ): Job | undefined {
	return JOB_KINDS.includes( kind as DeclaredJobKind )
		? CONTRACT.jobs[ kind as DeclaredJobKind ]
		: undefined;
}

/** Step names of a job, in order. */
export function jobSteps( kind: DeclaredJobKind ): string[] {
	return CONTRACT.jobs[ kind ].steps.map( ( step ) => step.name );
}

/** Event names of a job in the order a successful run emits them. */
export function jobEvents( kind: DeclaredJobKind ): string[] {
	return CONTRACT.jobs[ kind ].steps.flatMap( ( step ) => [
		...step.events,
	] );
}

/** The events that end a job of each kind well. */
export const COMPLETED_EVENTS: readonly string[] = JOB_KINDS.map(
	( kind ) => CONTRACT.jobs[ kind ].completedEvent
);

/**
 * Rank of a severity or limit: NONE 0, LOW 1 … CRITICAL 4. UNKNOWN has no rank of its
 * own; the policy says which severity it counts as.
 *
 * @param severity A severity or a limit.
 */
export function severityRank( severity: Severity | SeverityLimit ): number {
	return ( CONTRACT.severities.limits as readonly string[] ).indexOf(
		severity
	);
}

/**
 * A severity as written by a scanner or an older record ("high", "Critical"), or
 * UNKNOWN for anything the contract does not list.
 *
 * @param value The severity as found.
 */
export function asSeverity( value: string ): Severity {
	const upper = value.toUpperCase();
	return ( SEVERITIES as readonly string[] ).includes( upper )
		? ( upper as Severity )
		: 'UNKNOWN';
}
