/**
 * The deploy gate: whether an environment's policy lets an app's scanned image in.
 * Decided here and nowhere else; WordPress stores and shows the verdict it returns.
 */
import {
	LIMITS,
	SEVERITY_LIMITS,
	asSeverity,
	severityRank,
	type BlockingFinding,
	type Exemption,
	type Policy,
	type Severity,
	type SeverityLimit,
	type Verdict,
} from '@k8or-orbit/contract';

import { checkShape, ContractShapeError } from '../contract/schemas.js';

/** A finding as the gate reads it (the scan's `findings`, see summary.ts). */
export interface GateFinding {
	id: string;
	pkg: string;
	installedVersion: string;
	/** Empty or absent when no fix is available. */
	fixedVersion?: string;
	severity: string;
	target?: string;
}

/** What is known of the image's scan: none yet, not possible, or its findings. */
export type GateScan =
	| { status: 'scanned'; findings: GateFinding[] }
	| { status: 'unavailable'; reason: string }
	| undefined;

export interface GateInput {
	environment: string;
	appName: string;
	policy: Policy;
	scan: GateScan;
	/** The moment the policy is evaluated at; defaults to now. */
	now?: Date;
}

export interface GateDecision {
	verdict: Verdict;
	/** Findings above the limit let through by a current exemption. */
	exempted: Array< BlockingFinding & { reason: string; expires: string } >;
	/** Exemptions that matched a finding above the limit but had expired. */
	expired: Exemption[];
}

/** An unusable gate policy (bad severity or exemption list); the message says what to fix. */
export class GatePolicyError extends Error {
	constructor( message: string ) {
		super( message );
		this.name = 'GatePolicyError';
	}
}

export function parseGateSeverity( value: string ): SeverityLimit {
	const upper = value.toUpperCase();
	if ( ! ( SEVERITY_LIMITS as readonly string[] ).includes( upper ) ) {
		throw new GatePolicyError(
			`"${ value }" is not a severity limit; use one of ${ SEVERITY_LIMITS.join( ', ' ) }.`
		);
	}
	return upper as SeverityLimit;
}

/**
 * Checks a policy as WordPress sends it (docs/contract.json, Policy), including that
 * each exemption's expiry is a calendar date.
 *
 * @param value  Parsed JSON.
 * @param source Where it came from, for the message.
 */
export function parsePolicy( value: unknown, source: string ): Policy {
	let policy: Policy;
	try {
		policy = checkShape< Policy >( 'Policy', value, source );
	} catch ( error ) {
		throw error instanceof ContractShapeError
			? new GatePolicyError( error.message )
			: error;
	}
	for ( const exemption of policy.exemptions ?? [] ) {
		if ( ! isCalendarDate( exemption.expires ) ) {
			throw new GatePolicyError(
				`${ source }: the exemption of ${ exemption.id } expires "${ exemption.expires }", which is not a calendar date written YYYY-MM-DD.`
			);
		}
	}
	return policy;
}

function isCalendarDate( value: string ): boolean {
	const [ year, month, day ] = value.split( '-' ).map( Number ) as [
		number,
		number,
		number,
	];
	const date = new Date( Date.UTC( year, month - 1, day ) );
	return (
		date.getUTCFullYear() === year &&
		date.getUTCMonth() === month - 1 &&
		date.getUTCDate() === day
	);
}

/**
 * Checks an exemption list written by hand (the CLI's --exemptions file): entries
 * without `app` apply to every app, entries without `by` are credited to the file.
 *
 * @param value  Parsed JSON.
 * @param source Where it came from, for the message.
 */
export function parseExemptions( value: unknown, source: string ): Exemption[] {
	const completed = Array.isArray( value )
		? value.map( ( entry: unknown ) =>
				entry && typeof entry === 'object'
					? {
							app: '*',
							by: source.slice( 0, LIMITS.loginLength ),
							...entry,
						}
					: entry
			)
		: value;
	try {
		return parsePolicy(
			{ scanRequired: false, maxSeverity: 'NONE', exemptions: completed },
			source
		).exemptions as Exemption[];
	} catch ( error ) {
		throw new GatePolicyError(
			`${ source } is not a valid exemption list: ${ ( error as Error ).message }. Expected [{"id": "CVE-…", "app": "*", "reason": "…", "by": "…", "expires": "YYYY-MM-DD"}].`
		);
	}
}

/**
 * Whether an exemption still applies. `expires` is the last day it applies,
 * inclusive, in UTC: "2026-03-31" counts until 2026-04-01T00:00:00Z.
 *
 * @param exemption The exemption.
 * @param now       The moment of the evaluation.
 */
export function exemptionActive(
	exemption: Pick< Exemption, 'expires' >,
	now: Date
): boolean {
	const [ year, month, day ] = exemption.expires
		.split( '-' )
		.map( Number ) as [ number, number, number ];
	return now.getTime() < Date.UTC( year, month - 1, day + 1 );
}

/** "CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)". */
export function describeFinding( finding: BlockingFinding ): string {
	const fix = finding.fixedVersion
		? `, fixed in ${ finding.fixedVersion }`
		: ', no fix yet';
	return `${ finding.id } (${ finding.pkg } ${ finding.installedVersion }${ fix })`;
}

function blockedMessage( environment: string, blocking: BlockingFinding[] ) {
	const ids = [ ...new Set( blocking.map( describeFinding ) ) ];
	const shown = ids.slice( 0, 3 ).join( ', ' );
	const more = ids.length > 3 ? ` and ${ ids.length - 3 } more` : '';
	return `${ environment }: blocked by ${ shown }${ more }`;
}

/**
 * Applies an environment's policy to what is known of the image's scan.
 *
 * - No scan, or a scan that could not run, blocks only where the policy requires a scan.
 * - A finding blocks when its severity ranks above maxSeverity, unless a current
 *   exemption names its id for this app or for every app ("*").
 * - A severity the contract does not list counts as UNKNOWN, and UNKNOWN counts as
 *   the policy's unknownSeverityAs (by default the most severe).
 *
 * @param input Environment, app, policy, scan and the moment.
 */
export function decideGate( input: GateInput ): GateDecision {
	const { environment, appName, scan } = input;
	const policy = parsePolicy(
		input.policy,
		`The policy of ${ environment }`
	);
	const now = input.now ?? new Date();
	const evaluatedAt = now.toISOString();
	const decision = (
		verdict: Omit< Verdict, 'environment' | 'evaluatedAt' >
	): GateDecision => ( {
		verdict: {
			environment,
			...verdict,
			message: verdict.message.slice( 0, LIMITS.verdictMessageLength ),
			evaluatedAt,
		},
		exempted: [],
		expired: [],
	} );

	if ( scan?.status !== 'scanned' ) {
		const unavailable = scan?.status === 'unavailable';
		const why = unavailable
			? `the image could not be scanned (${ scan.reason })`
			: 'the image has not been scanned';
		return decision( {
			allowed: ! policy.scanRequired,
			reason: unavailable ? 'scan-unavailable' : 'scan-missing',
			message: policy.scanRequired
				? `${ environment }: blocked, ${ why } and this environment requires a scan`
				: `${ environment }: allowed without a scan (${ why })`,
			blocking: [],
		} );
	}

	const limit = severityRank( policy.maxSeverity );
	const unknownAs = policy.unknownSeverityAs ?? 'CRITICAL';
	const rankOf = ( severity: Severity ) =>
		severityRank( severity === 'UNKNOWN' ? unknownAs : severity );
	const applicable = ( policy.exemptions ?? [] ).filter(
		( exemption ) => exemption.app === '*' || exemption.app === appName
	);
	const result = decision( {
		allowed: true,
		reason: 'passed',
		message: '',
		blocking: [],
	} );
	const blocking: BlockingFinding[] = [];
	for ( const found of scan.findings ) {
		const severity = asSeverity( found.severity );
		if ( rankOf( severity ) <= limit ) {
			continue;
		}
		const finding: BlockingFinding = {
			id: found.id,
			pkg: found.pkg,
			installedVersion: found.installedVersion,
			...( found.fixedVersion
				? { fixedVersion: found.fixedVersion }
				: {} ),
			severity,
		};
		const exemptions = applicable.filter(
			( exemption ) =>
				exemption.id.toUpperCase() === finding.id.toUpperCase()
		);
		const current = exemptions.find( ( exemption ) =>
			exemptionActive( exemption, now )
		);
		if ( current ) {
			result.exempted.push( {
				...finding,
				reason: current.reason,
				expires: current.expires,
			} );
			continue;
		}
		for ( const exemption of exemptions ) {
			if ( ! result.expired.includes( exemption ) ) {
				result.expired.push( exemption );
			}
		}
		blocking.push( finding );
	}
	const allowed = blocking.length === 0;
	result.verdict = {
		...result.verdict,
		allowed,
		reason: allowed ? 'passed' : 'findings',
		message: allowed
			? `${ environment }: allowed`
			: blockedMessage( environment, blocking ),
		blocking: blocking.slice( 0, LIMITS.blockingFindingsPerVerdict ),
	};
	result.verdict.message = result.verdict.message.slice(
		0,
		LIMITS.verdictMessageLength
	);
	return result;
}

/**
 * The verdict of an environment's policy for an image (see decideGate).
 *
 * @param input Environment, app, policy, scan and the moment.
 */
export function evaluateGate( input: GateInput ): Verdict {
	return decideGate( input ).verdict;
}

/**
 * The verdict of every environment whose policy WordPress sent with the job.
 *
 * @param policies Policy per environment name.
 * @param appName  The app.
 * @param scan     What is known of the image's scan.
 * @param now      The moment of the evaluation.
 */
export function evaluateGates(
	policies: Record< string, Policy >,
	appName: string,
	scan: GateScan,
	now = new Date()
): Record< string, Verdict > {
	return Object.fromEntries(
		Object.entries( policies ).map( ( [ environment, policy ] ) => [
			environment,
			evaluateGate( { environment, appName, policy, scan, now } ),
		] )
	);
}
