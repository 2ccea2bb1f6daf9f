import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { Policy } from '@k8or-orbit/contract';

// The verdicts the console shows are the bridge's: decided here by its own gate.
import { evaluateGates } from '../../rest-bridge/src/scan/gate';
import type { Environment, OrbitApp } from '../src/api/types';
import { ScanReportScreen } from '../src/screens/scan-report';
import { rest, server } from './support/msw-server';
import { scanAnswer, trivyFixture } from './support/trivy';

const POLICIES: Record< string, Policy > = {
	dev: { scanRequired: false, maxSeverity: 'CRITICAL' },
	prod: { scanRequired: true, maxSeverity: 'MEDIUM' },
};

const APP: OrbitApp = {
	id: 41,
	name: 'hello-web',
	title: 'Hello Web',
	excerpt: '',
	link: 'http://localhost/apps/hello-web/',
	status: 'publish',
	categories: [],
	image: {},
	scan: { status: 'scanned' },
	verdicts: {},
	environments: {},
	deleted: { deleted: false },
	modified: '2026-11-27T20:00:00',
};

const ENVIRONMENTS: Environment[] = [
	{
		name: 'dev',
		order: 0,
		canDeploy: true,
		policy: POLICIES.dev!,
	},
	{
		name: 'prod',
		order: 1,
		canDeploy: false,
		policy: POLICIES.prod!,
	},
];

function serve(
	fixture: string,
	scanner: 'available' | 'unavailable' = 'available'
) {
	const report = trivyFixture( fixture );
	const answer = scanAnswer( report );
	const unavailable = {
		summary: {
			status: 'unavailable',
			reason: 'no scanner is configured (ORBIT_TRIVY_PATH)',
			scannedAt: '2026-11-27T20:00:00.000Z',
		},
		findings: [],
	};
	const scan =
		scanner === 'available'
			? { status: 'scanned' as const, findings: answer.findings }
			: {
					status: 'unavailable' as const,
					reason: unavailable.summary.reason,
				};
	const app: OrbitApp = {
		...APP,
		scan:
			scanner === 'available'
				? APP.scan
				: ( unavailable.summary as OrbitApp[ 'scan' ] ),
		verdicts: evaluateGates(
			POLICIES,
			APP.name,
			scan,
			new Date( '2026-11-27T20:00:01.000Z' )
		),
	};
	let scans = 0;
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps/41' ), () =>
			HttpResponse.json( app )
		),
		http.get( rest( '/k8or-orbit/v1/apps/41/scan' ), () =>
			HttpResponse.json( scanner === 'available' ? answer : unavailable )
		),
		http.post( rest( '/k8or-orbit/v1/apps/41/scan' ), () => {
			scans++;
			return HttpResponse.json(
				{ jobId: 'scan-job-1' },
				{ status: 202 }
			);
		} ),
		http.get( rest( '/k8or-orbit/v1/environments' ), () =>
			HttpResponse.json( ENVIRONMENTS )
		)
	);
	const vulnerabilities = ( report.Results ?? [] ).flatMap(
		( result ) => result.Vulnerabilities ?? []
	);
	return { vulnerabilities, scans: () => scans };
}

const tableRows = ( container: HTMLElement ) =>
	[
		...container.querySelectorAll( '.dataviews-view-table tbody tr' ),
	] as HTMLElement[];

describe( 'Scan report', () => {
	it( 'charts the counts per severity from a real Trivy report and lists every finding', async () => {
		const { vulnerabilities } = serve( 'alpine-39.json' );
		const { container } = render(
			<ScanReportScreen
				appId={ 41 }
				canScan={ false }
				navigate={ () => undefined }
			/>
		);
		await within( container ).findByText( 'Scan report: Hello Web' );
		const chart = container.querySelector(
			'svg.k8or-orbit-severity-chart'
		) as SVGElement;
		const count = ( severity: string ) =>
			vulnerabilities.filter(
				( vulnerability ) => vulnerability.Severity === severity
			).length;
		expect( chart.querySelector( 'title' )?.textContent ).toBe(
			`Critical: ${ count( 'CRITICAL' ) }, High: ${ count( 'HIGH' ) }, Medium: ${ count( 'MEDIUM' ) }, Low: ${ count( 'LOW' ) }, Unknown: ${ count( 'UNKNOWN' ) }`
		);
		// Longest bar for the largest count.
		const width = ( severity: string ) =>
			Number(
				chart
					.querySelector( `[data-severity="${ severity }"] rect` )
					?.getAttribute( 'width' )
			);
		expect( width( 'medium' ) ).toBeGreaterThan( width( 'critical' ) );
		expect( width( 'high' ) ).toBe( 0 );

		await waitFor( () =>
			expect( tableRows( container ) ).toHaveLength(
				vulnerabilities.length
			)
		);
		const first = vulnerabilities[ 0 ]!;
		const row = tableRows( container ).find(
			( tr ) =>
				tr.textContent?.includes( first.VulnerabilityID ) &&
				tr.textContent.includes( first.PkgName )
		);
		expect( row?.textContent ).toContain( first.InstalledVersion );
		expect( row?.textContent ).toContain( first.FixedVersion );
		// Most severe first.
		expect( tableRows( container )[ 0 ]?.textContent ).toContain(
			'Critical'
		);
	} );

	it( 'filters the findings by search', async () => {
		const { vulnerabilities } = serve( 'alpine-39.json' );
		const user = userEvent.setup();
		const { container } = render(
			<ScanReportScreen
				appId={ 41 }
				canScan={ false }
				navigate={ () => undefined }
			/>
		);
		await waitFor( () =>
			expect( tableRows( container ) ).toHaveLength(
				vulnerabilities.length
			)
		);
		const wanted = vulnerabilities.find(
			( vulnerability ) => vulnerability.Severity === 'MEDIUM'
		)!;
		await user.type(
			within( container ).getByRole( 'searchbox', {
				name: 'Search findings',
			} ),
			wanted.VulnerabilityID
		);
		const expected = vulnerabilities.filter(
			( vulnerability ) =>
				vulnerability.VulnerabilityID === wanted.VulnerabilityID
		).length;
		await waitFor( () =>
			expect( tableRows( container ) ).toHaveLength( expected )
		);
		expect(
			tableRows( container ).every( ( tr ) =>
				tr.textContent?.includes( wanted.VulnerabilityID )
			)
		).toBe( true );
	} );

	it( 'shows the bridge’s verdict per environment, naming what blocks it', async () => {
		serve( 'alpine-39.json' );
		const { container } = render(
			<ScanReportScreen
				appId={ 41 }
				canScan={ false }
				navigate={ () => undefined }
			/>
		);
		const line = await waitFor( () => {
			const verdicts = container.querySelector(
				'.k8or-orbit-gates .k8or-orbit-verdicts'
			) as HTMLElement;
			expect( verdicts ).toBeTruthy();
			return verdicts;
		} );
		expect( line.textContent ).toBe(
			'dev: allowed · prod: blocked by CVE-2019-14697 (musl 1.1.20-r4, fixed in 1.1.20-r5), CVE-2019-14697 (musl-utils 1.1.20-r4, fixed in 1.1.20-r5)'
		);
		expect(
			line.querySelector( '[data-environment="prod"]' )?.className
		).toContain( 'is-blocked' );
	} );

	it( 'with the scanner unavailable shows no counts, only why, and blocks where a scan is required', async () => {
		serve( 'alpine-39.json', 'unavailable' );
		const { container } = render(
			<ScanReportScreen
				appId={ 41 }
				canScan={ false }
				navigate={ () => undefined }
			/>
		);
		expect(
			await within( container ).findByText(
				'Not scanned: no scanner is configured (ORBIT_TRIVY_PATH)'
			)
		).toBeTruthy();
		expect(
			container.querySelector( 'svg.k8or-orbit-severity-chart' )
		).toBeNull();
		expect( container.textContent ).not.toMatch(
			/Critical: 0|0 critical/i
		);
		const line = await waitFor( () => {
			const verdicts = container.querySelector(
				'.k8or-orbit-gates .k8or-orbit-verdicts'
			) as HTMLElement;
			expect( verdicts ).toBeTruthy();
			return verdicts;
		} );
		expect( line.textContent ).toMatch(
			/^dev: allowed without a scan .* · prod: blocked, the image could not be scanned/
		);
	} );

	it( 'starts a scan again for users who may scan', async () => {
		const state = serve( 'debian-buster.json' );
		const user = userEvent.setup();
		const { container } = render(
			<ScanReportScreen
				appId={ 41 }
				canScan
				navigate={ () => undefined }
			/>
		);
		await user.click(
			await within( container ).findByRole( 'button', {
				name: 'Scan again',
			} )
		);
		expect(
			await within( container ).findByText(
				'Scan started (job scan-job-1).'
			)
		).toBeTruthy();
		expect( state.scans() ).toBe( 1 );
	} );

	it( 'asks to choose an app when none is given', () => {
		render(
			<ScanReportScreen
				appId={ null }
				canScan={ false }
				navigate={ () => undefined }
			/>
		);
		expect( screen.getByText( /Choose an app in Images/ ) ).toBeTruthy();
	} );
} );
