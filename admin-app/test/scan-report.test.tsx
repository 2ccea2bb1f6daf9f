import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { Environment, OrbitApp } from '../src/api/types';
import { ScanReportScreen } from '../src/screens/scan-report';
import { rest, server } from './support/msw-server';
import { scanAnswer, trivyFixture } from './support/trivy';

const APP: OrbitApp = {
	id: 41,
	name: 'hello-web',
	title: 'Hello Web',
	excerpt: '',
	link: 'http://localhost/apps/hello-web/',
	status: 'publish',
	categories: [],
	image: {},
	scan: { status: 'blocked' },
	environments: {},
	deleted: { deleted: false },
	modified: '2026-11-27T20:00:00',
};

const ENVIRONMENTS: Environment[] = [
	{
		name: 'dev',
		order: 0,
		canDeploy: true,
		policy: { scanRequired: false, maxSeverity: 'critical' },
	},
	{
		name: 'prod',
		order: 1,
		canDeploy: false,
		policy: { scanRequired: true, maxSeverity: 'medium' },
	},
];

function serve( fixture: string ) {
	const report = trivyFixture( fixture );
	let scans = 0;
	server.use(
		http.get( rest( '/k8or-orbit/v1/apps/41' ), () =>
			HttpResponse.json( APP )
		),
		http.get( rest( '/k8or-orbit/v1/apps/41/scan' ), () =>
			HttpResponse.json( scanAnswer( report ) )
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

	it( 'shows the gate per environment and what blocks it', async () => {
		const { vulnerabilities } = serve( 'alpine-39.json' );
		const { container } = render(
			<ScanReportScreen
				appId={ 41 }
				canScan={ false }
				navigate={ () => undefined }
			/>
		);
		const gates = await waitFor( () => {
			const list = container.querySelector(
				'.k8or-orbit-gates'
			) as HTMLElement;
			expect( list.children ).toHaveLength( 2 );
			return list;
		} );
		const [ dev, prod ] = [ ...gates.children ] as HTMLElement[];
		expect( dev?.textContent ).toMatch( /^dev: may be deployed$/ );
		const critical = vulnerabilities.filter(
			( vulnerability ) => vulnerability.Severity === 'CRITICAL'
		).length;
		expect( prod?.textContent ).toContain( 'prod: blocked' );
		expect( prod?.textContent ).toContain(
			`${ critical } critical findings; the highest severity allowed is medium.`
		);
		expect( prod?.textContent ).not.toContain( 'medium finding' );
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
