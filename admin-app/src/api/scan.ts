/**
 * The scan report in the console's terms, and the verdicts the bridge decided for it.
 */

/**
 * External dependencies
 */
import { asSeverity } from '@k8or-orbit/contract';

/**
 * Internal dependencies
 */
import {
	SEVERITIES,
	type Environment,
	type RawScanReport,
	type ScanReport,
	type Severity,
	type Verdict,
} from './types';

/**
 * The report of GET /apps/{id}/scan, with counts only when the image was scanned.
 *
 * @param raw The answer of GET /apps/{id}/scan.
 */
export function normaliseScanReport( raw: RawScanReport ): ScanReport {
	const scanned = raw.summary.status === 'scanned';
	const counts = Object.fromEntries(
		SEVERITIES.map( ( severity ) => [
			severity,
			raw.summary.counts?.[ severity ] ?? 0,
		] )
	) as Record< Severity, number >;
	return {
		status: raw.summary.status ?? 'none',
		reason: raw.summary.reason,
		scanner: raw.summary.scanner,
		scannedAt: raw.summary.scannedAt,
		...( scanned ? { counts } : {} ),
		findings: raw.findings.map( ( finding ) => ( {
			id: finding.id,
			package: finding.pkg,
			installed: finding.installedVersion,
			fixedIn: finding.fixedVersion ?? '',
			severity: asSeverity( finding.severity ),
			title: finding.title ?? '',
			target: finding.target ?? '',
		} ) ),
	};
}

/**
 * The verdicts in the environments' order (those of unknown environments last), as
 * every screen lists them.
 *
 * @param verdicts     The app's verdicts per environment.
 * @param environments The configured environments.
 */
export function orderedVerdicts(
	verdicts: Partial< Record< string, Verdict > >,
	environments: Array< Pick< Environment, 'name' > >
): Verdict[] {
	const position = ( name: string ) => {
		const index = environments.findIndex( ( env ) => env.name === name );
		return index < 0 ? environments.length : index;
	};
	return Object.values( verdicts )
		.filter( ( verdict ): verdict is Verdict => verdict !== undefined )
		.sort(
			( a, b ) => position( a.environment ) - position( b.environment )
		);
}
