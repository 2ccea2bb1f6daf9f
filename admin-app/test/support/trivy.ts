/**
 * Real Trivy reports (Trivy's own test outputs, schema version 2) turned into the scan
 * answer the bridge gives through GET /apps/{id}/scan.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { RawScanReport, Severity } from '../../src/api/types';

const FIXTURES = path.resolve(
	__dirname,
	'..',
	'..',
	'..',
	'..',
	'shared',
	'fixtures',
	'trivy'
);

interface TrivyVulnerability {
	VulnerabilityID: string;
	PkgName: string;
	InstalledVersion?: string;
	FixedVersion?: string;
	Severity: string;
	Title?: string;
}

interface TrivyReport {
	Results?: Array< {
		Target: string;
		Vulnerabilities?: TrivyVulnerability[] | null;
	} >;
}

export function trivyFixture( name: string ): TrivyReport {
	return JSON.parse(
		readFileSync( path.join( FIXTURES, name ), 'utf8' )
	) as TrivyReport;
}

/**
 * The bridge's answer for a report: every vulnerability entry as a finding, counts per
 * severity as Trivy names them.
 *
 * @param report A Trivy report.
 */
export function scanAnswer( report: TrivyReport ): RawScanReport {
	const findings = ( report.Results ?? [] ).flatMap( ( result ) =>
		( result.Vulnerabilities ?? [] ).map( ( vulnerability ) => ( {
			id: vulnerability.VulnerabilityID,
			pkg: vulnerability.PkgName,
			installedVersion: vulnerability.InstalledVersion ?? '',
			fixedVersion: vulnerability.FixedVersion ?? '',
			severity: vulnerability.Severity,
			title: vulnerability.Title ?? '',
			target: result.Target,
		} ) )
	);
	const counts: Record< string, number > = {
		CRITICAL: 0,
		HIGH: 0,
		MEDIUM: 0,
		LOW: 0,
		UNKNOWN: 0,
	};
	for ( const finding of findings ) {
		counts[ finding.severity ] = ( counts[ finding.severity ] ?? 0 ) + 1;
	}
	return {
		summary: {
			status: 'scanned',
			scanner: 'trivy 0.58.1',
			scannedAt: '2026-11-27T20:00:00.000Z',
			counts: counts as Record< Severity, number >,
			total: findings.length,
		},
		findings,
	};
}
