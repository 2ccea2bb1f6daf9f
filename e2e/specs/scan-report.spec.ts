/**
 * The scan report an operator reads: the severity chart and the findings come from the
 * report the scanner produced (here Trivy's own recorded output, replayed by the test
 * stack's stand-in), through the bridge, WordPress and the console.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import {
	logIn,
	readStack,
	screenshotPath,
	userWithRole,
} from '../support/stack';

const stack = readStack();
const replayedReport = path.resolve(
	__dirname,
	'..',
	'..',
	'..',
	'shared',
	'fixtures',
	'trivy',
	'alpine-39.json'
);

interface TrivyReport {
	Results?: Array< {
		Vulnerabilities?: Array< {
			VulnerabilityID: string;
			Severity: string;
		} >;
	} >;
}

test( 'the scan report charts and lists what the scanner found', async ( {
	page,
} ) => {
	const report = JSON.parse(
		readFileSync( replayedReport, 'utf8' )
	) as TrivyReport;
	const vulnerabilities = ( report.Results ?? [] ).flatMap(
		( result ) => result.Vulnerabilities ?? []
	);
	const count = ( severity: string ) =>
		vulnerabilities.filter( ( entry ) => entry.Severity === severity )
			.length;

	const apps = ( await (
		await fetch(
			`${ stack.wordpress.restUrl }/k8or-orbit/v1/apps&name=hello-web`
		)
	).json() ) as Array< { id: number } >;
	expect( apps, 'the sample app hello-web is in the catalog' ).toHaveLength(
		1
	);

	await logIn( page, stack, userWithRole( stack, 'orbit_operator' ) );
	await page.goto(
		`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#scan/${ apps[ 0 ]!.id }`
	);
	await expect(
		page.getByRole( 'img', {
			name: `Critical: ${ count( 'CRITICAL' ) }, High: ${ count(
				'HIGH'
			) }, Medium: ${ count( 'MEDIUM' ) }, Low: ${ count(
				'LOW'
			) }, Unknown: ${ count( 'UNKNOWN' ) }`,
		} )
	).toBeVisible();
	await expect(
		page.getByText( vulnerabilities[ 0 ]!.VulnerabilityID ).first()
	).toBeVisible();
	// One verdict per environment, each naming its environment.
	const verdicts = page.locator( '.k8or-orbit-gates .k8or-orbit-verdict' );
	await expect( verdicts ).toHaveCount( 3 );
	await expect( verdicts.first() ).toHaveText( /^dev: / );
	await page.screenshot( {
		path: screenshotPath( 'scan-report' ),
		fullPage: true,
	} );
} );
