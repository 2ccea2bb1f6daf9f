import type { GateResult, GateSeverity } from './gate.js';
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
	result: GateResult,
	maxSeverity: GateSeverity
): string {
	const lines = result.passed
		? [ `PASSED: no vulnerability above ${ maxSeverity }` ]
		: [
				`BLOCKED: ${ result.blocking.length } vulnerabilit${ result.blocking.length === 1 ? 'y' : 'ies' } above ${ maxSeverity }`,
				...result.blocking.map(
					( f ) =>
						`  ${ f.id } ${ f.pkg } ${ f.severity } [${ f.target }]`
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
