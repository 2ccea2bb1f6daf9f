import type { SeverityLimit } from '@k8or-orbit/contract';

import type { GateDecision } from './gate.js';
import { SEVERITIES } from './report.js';
import type { Finding, ScanSummary } from './summary.js';

/** Summary lines in the order Trivy's table header uses. */
export function formatSummary(
	summary: ScanSummary,
	findings: Finding[]
): string {
	const perSeverity = [ ...SEVERITIES ]
		.reverse()
		.map( ( severity ) => `${ severity }: ${ summary.counts[ severity ] }` )
		.join( ', ' );
	const lines = [
		`Total: ${ summary.total } (${ perSeverity })`,
		`Unique vulnerability ids: ${ summary.uniqueIds }, fixable: ${ summary.fixable }, secrets: ${ summary.secrets }`,
		...findings.map(
			( finding ) =>
				`  ${ finding.severity.padEnd( 8 ) } ${ finding.id.padEnd( 20 ) } ${ finding.pkg } ${ finding.installedVersion }` +
				`${ finding.fixedVersion ? ` → ${ finding.fixedVersion }` : ' (no fix)' }  [${ finding.target }]`
		),
	];
	return `${ lines.join( '\n' ) }\n`;
}

export function formatGate(
	result: GateDecision,
	maxSeverity: SeverityLimit
): string {
	const { blocking } = result.verdict;
	const lines = result.verdict.allowed
		? [ `PASSED: no vulnerability above ${ maxSeverity }` ]
		: [
				`BLOCKED: ${ blocking.length } vulnerabilit${ blocking.length === 1 ? 'y' : 'ies' } above ${ maxSeverity }`,
				...blocking.map(
					( f ) =>
						`  ${ f.id } ${ f.pkg } ${ f.severity } ${ f.installedVersion }${ f.fixedVersion ? ` → ${ f.fixedVersion }` : ' (no fix)' }`
				),
			];
	for ( const f of result.exempted ) {
		lines.push(
			`  exempted: ${ f.id } ${ f.pkg } ${ f.severity } until ${ f.expires } (${ f.reason })`
		);
	}
	for ( const exemption of result.expired ) {
		lines.push(
			`  expired exemption: ${ exemption.id } ended ${ exemption.expires }; renew it or fix the finding`
		);
	}
	return `${ lines.join( '\n' ) }\n`;
}
