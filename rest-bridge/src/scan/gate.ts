import { z } from 'zod';

import {
	vulnerabilityEntries,
	type Severity,
	type TrivyReport,
} from './report.js';

/** The highest severity a policy allows; NONE allows no finding of known severity. */
export const GATE_SEVERITIES = [
	'NONE',
	'LOW',
	'MEDIUM',
	'HIGH',
	'CRITICAL',
] as const;
export type GateSeverity = ( typeof GATE_SEVERITIES )[ number ];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const exemptionSchema = z.object( {
	id: z
		.string()
		.regex(
			/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
			'a vulnerability id such as CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx'
		),
	reason: z
		.string()
		.trim()
		.min( 1, 'say why the finding is accepted' )
		.max( 1000 ),
	expires: z.string().refine( ( value ) => {
		const match = DATE.exec( value );
		if ( ! match ) {
			return false;
		}
		const [ year, month, day ] = match.slice( 1 ).map( Number ) as [
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
	}, 'a calendar date written YYYY-MM-DD' ),
} );
export const exemptionListSchema = z.array( exemptionSchema ).max( 10_000 );
export type Exemption = z.infer< typeof exemptionSchema >;

export interface GatePolicy {
	maxSeverity: GateSeverity;
	exemptions?: Exemption[];
	/** The moment the policy is evaluated at; defaults to now. */
	now?: Date;
}

export interface BlockingFinding {
	id: string;
	pkg: string;
	severity: Severity;
	target: string;
}

export interface GateResult {
	passed: boolean;
	blocking: BlockingFinding[];
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

/** Ranks that can block; UNKNOWN is absent on purpose: it never blocks on its own. */
const RANK: Partial< Record< Severity | GateSeverity, number > > = {
	NONE: 0,
	LOW: 1,
	MEDIUM: 2,
	HIGH: 3,
	CRITICAL: 4,
};

export function parseGateSeverity( value: string ): GateSeverity {
	const upper = value.toUpperCase();
	if ( ! ( GATE_SEVERITIES as readonly string[] ).includes( upper ) ) {
		throw new GatePolicyError(
			`"${ value }" is not a severity limit; use one of ${ GATE_SEVERITIES.join( ', ' ) }.`
		);
	}
	return upper as GateSeverity;
}

/**
 * Checks an exemption list (JSON `[{"id", "reason", "expires": "YYYY-MM-DD"}]`).
 *
 * @param value  parsed JSON
 * @param source where it came from, for the message
 */
export function parseExemptions( value: unknown, source: string ): Exemption[] {
	const result = exemptionListSchema.safeParse( value );
	if ( ! result.success ) {
		throw new GatePolicyError(
			`${ source } is not a valid exemption list: ${ z.prettifyError( result.error ).replace( /\n/g, ' ' ) }. Expected [{"id": "CVE-…", "reason": "…", "expires": "YYYY-MM-DD"}].`
		);
	}
	return result.data;
}

/**
 * Whether an exemption still applies. `expires` is the last day it applies,
 * inclusive, in UTC: "2026-03-31" counts until 2026-04-01T00:00:00Z.
 */
export function exemptionActive( exemption: Exemption, now: Date ): boolean {
	const [ year, month, day ] = exemption.expires
		.split( '-' )
		.map( Number ) as [ number, number, number ];
	return now.getTime() < Date.UTC( year, month - 1, day + 1 );
}

/**
 * Applies a severity policy to a Trivy report: every vulnerability entry above
 * maxSeverity blocks unless a current exemption names its id. Secrets are
 * counted by the summary, not gated here.
 */
export function evaluateGate(
	report: TrivyReport,
	policy: GatePolicy
): GateResult {
	const maxSeverity = parseGateSeverity( policy.maxSeverity );
	const exemptions = parseExemptions(
		policy.exemptions ?? [],
		'The exemption list'
	);
	const now = policy.now ?? new Date();
	const limit = RANK[ maxSeverity ] ?? 0;
	const byId = new Map(
		exemptions.map( ( exemption ) => [
			exemption.id.toUpperCase(),
			exemption,
		] )
	);

	const result: GateResult = {
		passed: true,
		blocking: [],
		exempted: [],
		expired: [],
	};
	for ( const { target, vulnerability } of vulnerabilityEntries( report ) ) {
		const rank = RANK[ vulnerability.Severity ];
		if ( rank === undefined || rank <= limit ) {
			continue;
		}
		const finding = {
			id: vulnerability.VulnerabilityID,
			pkg: vulnerability.PkgName,
			severity: vulnerability.Severity,
			target,
		};
		const exemption = byId.get( finding.id.toUpperCase() );
		if ( exemption && exemptionActive( exemption, now ) ) {
			result.exempted.push( {
				...finding,
				reason: exemption.reason,
				expires: exemption.expires,
			} );
			continue;
		}
		if ( exemption && ! result.expired.includes( exemption ) ) {
			result.expired.push( exemption );
		}
		result.blocking.push( finding );
	}
	result.passed = result.blocking.length === 0;
	return result;
}
