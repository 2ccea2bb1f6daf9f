import {
	SEVERITIES,
	vulnerabilityEntries,
	type Severity,
	type TrivyReport,
} from './report.js';

export interface ScanSummary {
	counts: Record< Severity, number >;
	/** Every vulnerability entry, as Trivy's table counts them (one per package and target). */
	total: number;
	/** Distinct vulnerability ids. */
	uniqueIds: number;
	/** Entries with a fixed version available. */
	fixable: number;
	/** Secrets found (Results[].Secrets entries). */
	secrets: number;
}

/** One row of a report view; the `findings` of the bridge's scan API (see docs/architecture.md). */
export interface Finding {
	id: string;
	pkg: string;
	installedVersion: string;
	/** Empty when no fix is available. */
	fixedVersion: string;
	severity: Severity;
	title: string;
	target: string;
}

export function summarizeReport( report: TrivyReport ): ScanSummary {
	const counts = Object.fromEntries(
		SEVERITIES.map( ( severity ) => [ severity, 0 ] )
	) as Record< Severity, number >;
	const ids = new Set< string >();
	let total = 0;
	let fixable = 0;
	for ( const { vulnerability } of vulnerabilityEntries( report ) ) {
		counts[ vulnerability.Severity ] += 1;
		ids.add( vulnerability.VulnerabilityID );
		total += 1;
		if ( vulnerability.FixedVersion ) {
			fixable += 1;
		}
	}
	const secrets = ( report.Results ?? [] ).reduce(
		( sum, result ) => sum + ( result.Secrets?.length ?? 0 ),
		0
	);
	return { counts, total, uniqueIds: ids.size, fixable, secrets };
}

/** The findings for a report view: most severe first, then by id, package and target. */
export function listFindings( report: TrivyReport ): Finding[] {
	const findings = [ ...vulnerabilityEntries( report ) ].map(
		( { target, vulnerability } ) => ( {
			id: vulnerability.VulnerabilityID,
			pkg: vulnerability.PkgName,
			installedVersion: vulnerability.InstalledVersion ?? '',
			fixedVersion: vulnerability.FixedVersion ?? '',
			severity: vulnerability.Severity,
			title: vulnerability.Title ?? '',
			target,
		} )
	);
	const rank = ( severity: Severity ) => SEVERITIES.indexOf( severity );
	return findings.sort(
		( a, b ) =>
			rank( a.severity ) - rank( b.severity ) ||
			a.id.localeCompare( b.id ) ||
			a.pkg.localeCompare( b.pkg ) ||
			a.target.localeCompare( b.target )
	);
}
