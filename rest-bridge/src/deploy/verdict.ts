import type { Policy, Verdict } from '@k8or-orbit/contract';

import type { ObjectStore } from '../adapters/object-store.js';
import type { ResourceNames } from '../resources.js';
import { evaluateGate, type GateFinding, type GateScan } from '../scan/gate.js';
import { reportKeys } from '../storage/keys.js';

/** What the scan step keeps as the latest scan of an app in an environment. */
interface LatestScan {
	status: 'scanned' | 'unavailable';
	reason?: string;
	findings?: GateFinding[];
}

/**
 * The verdict of an environment's policy for the image a deploy would push:
 * the latest scan kept where the image is stored, judged by the one gate
 * (scan/gate.ts) that decides every verdict.
 */
export async function deployVerdict(
	storage: { objects: ObjectStore; names: ResourceNames },
	request: {
		app: string;
		environment: string;
		/** Where the image was scanned (the environment its archive is stored in). */
		scannedIn: string;
		policy: Policy;
	}
): Promise< Verdict > {
	const text = await storage.objects.getObjectText(
		storage.names.buckets.reports,
		reportKeys.latest( request.app, request.scannedIn )
	);
	const latest = text ? ( JSON.parse( text ) as LatestScan ) : undefined;
	let scan: GateScan;
	if ( latest?.status === 'scanned' ) {
		scan = { status: 'scanned', findings: latest.findings ?? [] };
	} else if ( latest?.status === 'unavailable' ) {
		scan = { status: 'unavailable', reason: latest.reason ?? '' };
	}
	return evaluateGate( {
		environment: request.environment,
		appName: request.app,
		policy: request.policy,
		scan,
	} );
}
