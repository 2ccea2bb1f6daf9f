import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Policies, ScanResult, Verdicts } from '@k8or-orbit/contract';
import { NO_SCANNER_REASON } from '../adapters/trivy.js';
import { evaluateGates } from '../scan/gate.js';
import {
	listFindings,
	summarizeReport,
	type Finding,
} from '../scan/summary.js';
import { reportKeys } from '../storage/keys.js';
import { SCAN_JOB } from '../job-model/kinds.js';
import { contractSteps, type StepContext } from './definition.js';
import type { JobServices } from '../job-model/services.js';

/** The scan state of an image, in the catalog's terms (docs/contract.json, ScanResult). */
export type ScanRecord = ScanResult;

/** What a scan step hands on: the scan and each environment's verdict for it. */
export interface ScanOutcome {
	scan: ScanRecord;
	verdicts: Verdicts;
}

const MAX_FINDINGS = 5000;
// The upload and the scan job share this step; the contract gives both the same scan events.
const [ SCAN_STARTED, SCANNED ] = contractSteps( SCAN_JOB ).scan.events;

/**
 * Scans an archive stored in S3: the full report goes to the reports bucket,
 * the summary (and findings) to the version's `latest.json`, and to the app's
 * when the version is its current image.
 */
export async function scanStoredArchive(
	context: StepContext,
	services: JobServices,
	archive: { bucket: string; key: string },
	policies: Policies,
	{ version, current }: { version?: string; current: boolean }
): Promise< ScanOutcome > {
	const { job } = context;
	const reports = services.names.buckets.reports;
	await context.emit( SCAN_STARTED, 'started', {} );
	let record: ScanRecord;
	let findings: Finding[] = [];
	if ( ! services.scanner.configured ) {
		record = {
			status: 'unavailable',
			reason: NO_SCANNER_REASON,
			scannedAt: new Date().toISOString(),
		};
	} else {
		const folder = await mkdtemp( join( tmpdir(), 'orbit-scan-' ) );
		try {
			const file = join( folder, 'image.tar' );
			await pipeline(
				await services.objects.getObjectStream(
					archive.bucket,
					archive.key
				),
				createWriteStream( file )
			);
			context.heartbeat();
			const outcome = await services.scanner.scan( file );
			if ( outcome.status === 'unavailable' ) {
				record = {
					status: 'unavailable',
					reason: outcome.reason,
					scannedAt: new Date().toISOString(),
				};
			} else {
				const reportKey = reportKeys.report(
					job.appName,
					job.environment,
					job.jobId
				);
				await services.objects.putObject(
					reports,
					reportKey,
					JSON.stringify( outcome.report ),
					'application/json'
				);
				// Most severe first, so the cap drops the least important findings.
				findings = listFindings( outcome.report ).slice(
					0,
					MAX_FINDINGS
				);
				const { counts, total, fixable, secrets } = summarizeReport(
					outcome.report
				);
				record = {
					status: 'scanned',
					scanner: outcome.scanner,
					counts,
					total,
					fixable,
					secrets,
					reportLocation: reportKey,
					scannedAt: new Date().toISOString(),
				};
			}
		} finally {
			await rm( folder, { recursive: true, force: true } );
		}
	}
	const latest = [
		...( version === undefined
			? []
			: [
					reportKeys.versionLatest(
						job.appName,
						job.environment,
						version
					),
				] ),
		...( current
			? [ reportKeys.latest( job.appName, job.environment ) ]
			: [] ),
	];
	for ( const key of latest ) {
		await services.objects.putObject(
			reports,
			key,
			JSON.stringify( { ...record, version, findings } ),
			'application/json'
		);
	}
	await context.emit(
		SCANNED,
		'succeeded',
		// Not `scan`: WordPress applies `data.scan` to the post, and an upload
		// must not touch the post before its database-update step.
		{ scanResult: record },
		record.status === 'unavailable'
			? `The image was not scanned: ${ record.reason }.`
			: undefined
	);
	const verdicts = evaluateGates(
		policies,
		job.appName,
		record.status === 'scanned'
			? { status: 'scanned', findings }
			: { status: 'unavailable', reason: record.reason ?? '' }
	);
	return { scan: record, verdicts };
}
