import { z } from 'zod';

/** Trivy's severities, highest first. */
export const SEVERITIES = [
	'CRITICAL',
	'HIGH',
	'MEDIUM',
	'LOW',
	'UNKNOWN',
] as const;
export type Severity = ( typeof SEVERITIES )[ number ];

const severitySchema = z.enum( SEVERITIES );

// Loose objects: the report is stored whole, so fields this code does not read are kept.
const vulnerabilitySchema = z.looseObject( {
	VulnerabilityID: z.string().min( 1 ),
	PkgName: z.string(),
	InstalledVersion: z.string().optional(),
	FixedVersion: z.string().optional(),
	Severity: severitySchema,
	Title: z.string().optional(),
	PrimaryURL: z.string().optional(),
} );

const secretSchema = z.looseObject( {
	RuleID: z.string(),
	Severity: severitySchema,
	Title: z.string().optional(),
} );

const resultSchema = z.looseObject( {
	Target: z.string(),
	Class: z.string().optional(),
	Type: z.string().optional(),
	Vulnerabilities: z.array( vulnerabilitySchema ).nullish(),
	Secrets: z.array( secretSchema ).nullish(),
} );

export const trivyReportSchema = z.looseObject( {
	SchemaVersion: z.literal( 2, {
		error: 'only Trivy JSON reports with SchemaVersion 2 are supported',
	} ),
	ArtifactName: z.string().optional(),
	ArtifactType: z.string().optional(),
	Results: z.array( resultSchema ).nullish(),
} );

export type TrivyReport = z.infer< typeof trivyReportSchema >;
export type TrivyVulnerability = z.infer< typeof vulnerabilitySchema >;

/** A Trivy report that cannot be used; the message says what is wrong with it. */
export class TrivyReportError extends Error {
	constructor( message: string ) {
		super( message );
		this.name = 'TrivyReportError';
	}
}

/**
 * Checks that a parsed JSON value is a Trivy JSON report (`--format json`, SchemaVersion 2).
 *
 * @param value  the parsed JSON
 * @param source what it came from, for the message (a file name, "trivy output")
 */
export function parseTrivyReport(
	value: unknown,
	source: string
): TrivyReport {
	const result = trivyReportSchema.safeParse( value );
	if ( ! result.success ) {
		throw new TrivyReportError(
			`${ source } is not a Trivy JSON report: ${ z.prettifyError( result.error ).replace( /\n/g, ' ' ) }. Produce it with "trivy image --format json".`
		);
	}
	return result.data;
}

/** Parses Trivy's JSON text; see parseTrivyReport. */
export function parseTrivyReportText(
	text: string,
	source: string
): TrivyReport {
	let value: unknown;
	try {
		value = JSON.parse( text );
	} catch ( error ) {
		throw new TrivyReportError(
			`${ source } is not JSON (${ ( error as Error ).message }). Produce it with "trivy image --format json".`
		);
	}
	return parseTrivyReport( value, source );
}

/** Every vulnerability entry of the report with the target it was found in, in report order. */
export function* vulnerabilityEntries(
	report: TrivyReport
): Generator< { target: string; vulnerability: TrivyVulnerability } > {
	for ( const result of report.Results ?? [] ) {
		for ( const vulnerability of result.Vulnerabilities ?? [] ) {
			yield { target: result.Target, vulnerability };
		}
	}
}
