/**
 * One verdict, shown the same everywhere: the bridge decides it (evaluateGates), the plugin
 * stores it, and the catalog card, the app page (app details and scan summary) and the
 * console's REST answer carry the same line for the same image and environment. An image
 * the scanner could not read shows why and no counts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Policy, ScanResult, Verdict } from '@k8or-orbit/contract';

import { evaluateGates } from '../../../../rest-bridge/src/scan/gate';
import { parseTrivyReport } from '../../../../rest-bridge/src/scan/report';
import {
	listFindings,
	summarizeReport,
} from '../../../../rest-bridge/src/scan/summary';
import {
	call,
	loadStack,
	restUrl,
	sendBridgeEvents,
	uniqueAppName,
	uploadEvent,
	type Stack,
	deleteAppPost,
} from './support';

const POLICIES: Record< string, Policy > = {
	dev: { scanRequired: false, maxSeverity: 'CRITICAL' },
	test: { scanRequired: true, maxSeverity: 'HIGH' },
};

let stack: Stack;
const createdPosts: number[] = [];

beforeAll( () => {
	stack = loadStack();
} );

afterAll( async () => {
	for ( const id of createdPosts ) {
		await deleteAppPost( stack, id );
	}
} );

/** Publishes an app whose upload carried this scan and these verdicts. */
async function publish(
	scan: ScanResult,
	verdicts: Record< string, Verdict >
) {
	const appName = uniqueAppName();
	const event = uploadEvent( appName, randomUUID() );
	Object.assign( event.data.app as object, { scan, verdicts } );
	const answer = await sendBridgeEvents( stack, [ event ] );
	expect( answer.status, JSON.stringify( answer.body ) ).toBe( 200 );
	const id = ( answer.body as { app: { id: number } } ).app.id;
	createdPosts.push( id );
	const app = await call( restUrl( stack, `/k8or-orbit/v1/apps/${ id }` ) );
	return app.body as { link: string; verdicts: Record< string, Verdict > };
}

/** The text a visitor reads on a page, tags removed and entities decoded. */
async function visibleText( url: string ): Promise< string > {
	const html = await ( await fetch( url ) ).text();
	return html
		.replace( /<script[\s\S]*?<\/script>/g, ' ' )
		.replace( /<[^>]+>/g, '' )
		.replace( /&#0?39;/g, "'" )
		.replace( /&amp;/g, '&' )
		.replace( /\s+/g, ' ' );
}

describe( 'verdicts on every screen', () => {
	it( 'the catalog card, the app page and the console’s REST answer show the same verdict per environment', async () => {
		const fixture = path.resolve(
			path.dirname( fileURLToPath( import.meta.url ) ),
			'../../../../../shared/fixtures/trivy/alpine-39.json'
		);
		const report = parseTrivyReport(
			JSON.parse( readFileSync( fixture, 'utf8' ) ),
			'alpine-39.json'
		);
		const { counts, total, fixable, secrets } = summarizeReport( report );
		const verdicts = evaluateGates( POLICIES, 'hello-web', {
			status: 'scanned',
			findings: listFindings( report ),
		} );
		const app = await publish(
			{
				status: 'scanned',
				scanner: 'trivy',
				counts,
				total,
				fixable,
				secrets,
				scannedAt: new Date().toISOString(),
			},
			verdicts
		);
		const line = `${ verdicts.dev!.message } · ${ verdicts.test!.message }`;
		expect( line ).toBe(
			'dev: allowed · test: blocked by CVE-2019-14697 (musl 1.1.20-r4, fixed in 1.1.20-r5), CVE-2019-14697 (musl-utils 1.1.20-r4, fixed in 1.1.20-r5)'
		);

		expect( app.verdicts ).toEqual( verdicts );
		const page = await visibleText( app.link );
		// The app details badge and the scan summary block.
		expect( page.split( line ).length - 1 ).toBeGreaterThanOrEqual( 2 );
		expect( page ).not.toMatch( /Scan passed/ );
		expect( page ).toContain( `${ counts.CRITICAL } Critical` );

		const catalog = await visibleText( stack.wordpress.url + '/apps/' );
		expect( catalog ).toContain( line );
	} );

	it( 'with the scanner unavailable, no counts appear anywhere, only the reason', async () => {
		const reason = 'no scanner is configured (ORBIT_TRIVY_PATH)';
		const verdicts = evaluateGates( POLICIES, 'hello-web', {
			status: 'unavailable',
			reason,
		} );
		const app = await publish(
			{
				status: 'unavailable',
				reason,
				scannedAt: new Date().toISOString(),
			},
			verdicts
		);
		const page = await visibleText( app.link );
		expect( page ).toContain( `Not scanned: ${ reason }` );
		expect( page ).toContain( verdicts.test!.message );
		expect( page ).not.toMatch(
			/\d+ (Critical|High|Medium|Low|Unknown)\b/
		);
	} );
} );
