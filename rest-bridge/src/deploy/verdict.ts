import { z } from 'zod';

import type { ObjectStore } from '../adapters/s3.js';
import type { ScanRecord } from '../jobs/scan-archive.js';
import { reportKeys } from '../storage/keys.js';
import type { ResourceNames } from '../resources.js';
import { GATE_SEVERITIES, evaluateGate } from '../scan/gate.js';
import { parseTrivyReportText } from '../scan/report.js';
import { listFindings } from '../scan/summary.js';

/** An environment's deploy policy, as WordPress sends it with every deploy. */
export const policySchema = z.object( {
	scanRequired: z.boolean().default( false ),
	maxSeverity: z
		.string()
		.transform( ( value ) => value.toUpperCase() )
		.pipe( z.enum( GATE_SEVERITIES ) )
		.default( 'CRITICAL' ),
	unknownSeverityAs: z.string().optional(),
	exemptions: z
		.array(
			z.object( {
				id: z.string().min( 1 ).max( 128 ),
				app: z.string().min( 1 ).max( 63 ).default( '*' ),
				reason: z.string().max( 1000 ).default( '' ),
				by: z.string().max( 60 ).optional(),
				expires: z.string(),
			} )
		)
		.max( 1000 )
		.default( [] ),
} );
export type Policy = z.output< typeof policySchema >;

export interface BlockingFinding {
	id: string;
	pkg: string;
	installedVersion: string;
	fixedVersion?: string;
	severity: string;
}

/** The gate's decision for one environment, as WordPress stores and shows it. */
export interface Verdict {
	environment: string;
	allowed: boolean;
	reason: 'passed' | 'findings' | 'scan-unavailable' | 'scan-missing';
	message: string;
	blocking: BlockingFinding[];
	evaluatedAt: string;
}

/**
 * Decides whether an image may be deployed to an environment: its latest
 * scan (the full report kept in the reports bucket) against the
 * environment's policy, with the exemptions that name this app or every app.
 */
export async function decideVerdict(
	storage: { objects: ObjectStore; names: ResourceNames },
	request: {
		app: string;
		environment: string;
		/** Where the image was scanned (the environment its archive is stored in). */
		scannedIn: string;
		scan?: ScanRecord;
		policy: Policy;
		now?: Date;
	}
): Promise< Verdict > {
	const now = request.now ?? new Date();
	const { policy, environment } = request;
	const verdict = (
		allowed: boolean,
		reason: Verdict[ 'reason' ],
		message: string,
		blocking: BlockingFinding[] = []
	): Verdict => ( {
		environment,
		allowed,
		reason,
		message,
		blocking,
		evaluatedAt: now.toISOString(),
	} );
	const latest = await storage.objects.getObjectText(
		storage.names.buckets.reports,
		reportKeys.latest( request.app, request.scannedIn )
	);
	const scan = latest ? ( JSON.parse( latest ) as ScanRecord ) : request.scan;
	const reportText =
		scan?.status === 'scanned' && scan.reportKey
			? await storage.objects.getObjectText(
					storage.names.buckets.reports,
					scan.reportKey
				)
			: undefined;
	if ( ! reportText ) {
		if ( ! policy.scanRequired ) {
			return verdict(
				true,
				'passed',
				`${ environment } does not require a scan.`
			);
		}
		return scan?.status === 'unavailable'
			? verdict(
					false,
					'scan-unavailable',
					`${ environment } requires a scan, and the image could not be scanned (${ scan.reason ?? 'no scanner' }). Scan it again once a scanner is available.`
				)
			: verdict(
					false,
					'scan-missing',
					`${ environment } requires a scan, and the image has none. Scan it first.`
				);
	}
	const report = parseTrivyReportText( reportText, scan?.reportKey ?? '' );
	const gate = evaluateGate( report, {
		maxSeverity: policy.maxSeverity,
		exemptions: policy.exemptions
			.filter(
				( exemption ) =>
					exemption.app === '*' || exemption.app === request.app
			)
			.map( ( { id, reason, expires } ) => ( {
				id,
				reason: reason || 'exempted',
				expires,
			} ) ),
		now,
	} );
	if ( gate.passed ) {
		return verdict(
			true,
			'passed',
			`No finding above ${ policy.maxSeverity } that is not exempted.`
		);
	}
	const details = new Map(
		listFindings( report ).map( ( finding ) => [
			`${ finding.id }|${ finding.pkg }`,
			finding,
		] )
	);
	const blocking = gate.blocking.map( ( finding ) => {
		const detail = details.get( `${ finding.id }|${ finding.pkg }` );
		return {
			id: finding.id,
			pkg: finding.pkg,
			installedVersion: detail?.installedVersion ?? '',
			...( detail?.fixedVersion
				? { fixedVersion: detail.fixedVersion }
				: {} ),
			severity: finding.severity,
		};
	} );
	const first = blocking[ 0 ];
	return verdict(
		false,
		'findings',
		`Blocked by ${ blocking.length } finding(s) above ${ policy.maxSeverity }${
			first
				? `, e.g. ${ first.id } (${ first.pkg } ${ first.installedVersion }${ first.fixedVersion ? `, fixed in ${ first.fixedVersion }` : '' })`
				: ''
		}. Fix the image, or have an administrator exempt the findings.`,
		blocking
	);
}
