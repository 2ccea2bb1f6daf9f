/**
 * The scan report in the console's terms, and the deploy gate each environment's
 * policy gives for it.
 */

/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	SEVERITIES,
	type Environment,
	type GateResult,
	type MaxSeverity,
	type RawScanReport,
	type ScanReport,
	type ScanStatus,
	type Severity,
} from './types';

const asSeverity = ( value: string ): Severity => {
	const lower = value.toLowerCase() as Severity;
	return SEVERITIES.includes( lower ) ? lower : 'unknown';
};

/**
 * Trivy writes severities in capitals and the bridge nests the counts; the console
 * uses lower-case severities throughout.
 *
 * @param raw The answer of GET /apps/{id}/scan.
 */
export function normaliseScanReport( raw: RawScanReport ): ScanReport {
	const counts = Object.fromEntries(
		SEVERITIES.map( ( severity ) => [ severity, 0 ] )
	) as Record< Severity, number >;
	for ( const [ severity, count ] of Object.entries(
		raw.summary.summary?.counts ?? {}
	) ) {
		counts[ asSeverity( severity ) ] += count;
	}
	return {
		status: raw.summary.status ?? 'unknown',
		reason: raw.summary.reason,
		scanner: raw.summary.scanner,
		scannedAt: raw.summary.scannedAt,
		counts,
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

/** Severities from least to most severe, as the policy's maxSeverity ranks them. */
const RANK: Record< MaxSeverity, number > = {
	none: 0,
	low: 1,
	medium: 2,
	high: 3,
	critical: 4,
};

/**
 * Whether each environment's policy lets the scanned image through, and what blocks
 * it. Unknown severities never block (they carry no rank). Exemptions are applied by
 * the deploy itself and are not visible here, so a blocked gate may still pass there.
 *
 * @param report       The scan report, or null when the app has none.
 * @param scanStatus   The app's scan status.
 * @param environments The environments with their policies.
 */
export function gateResults(
	report: ScanReport | null,
	scanStatus: ScanStatus,
	environments: Environment[]
): GateResult[] {
	const scanned = report !== null && report.status === 'scanned';
	return environments.map( ( { name, policy } ) => {
		const reasons: string[] = [];
		if ( policy.scanRequired && ( ! scanned || scanStatus === 'failed' ) ) {
			reasons.push(
				__(
					'This environment requires a scan and the image has none that finished. Scan it again.',
					'k8or-orbit'
				)
			);
		}
		if ( scanned ) {
			const limit = RANK[ policy.maxSeverity ] ?? 0;
			for ( const severity of [
				'critical',
				'high',
				'medium',
				'low',
			] as const ) {
				const count = report.counts[ severity ];
				if ( RANK[ severity ] > limit && count > 0 ) {
					reasons.push(
						sprintf(
							/* translators: 1: number of findings, 2: severity, 3: highest severity allowed. */
							_n(
								'%1$d %2$s finding; the highest severity allowed is %3$s.',
								'%1$d %2$s findings; the highest severity allowed is %3$s.',
								count,
								'k8or-orbit'
							),
							count,
							severity,
							policy.maxSeverity
						)
					);
				}
			}
		}
		return { environment: name, allowed: reasons.length === 0, reasons };
	} );
}
