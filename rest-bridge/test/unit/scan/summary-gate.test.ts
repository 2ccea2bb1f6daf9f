import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
	evaluateGate,
	exemptionActive,
	GatePolicyError,
	parseExemptions,
	type GateSeverity,
} from '../../../src/scan/gate.js';
import {
	parseTrivyReport,
	TrivyReportError,
} from '../../../src/scan/report.js';
import { listFindings, summarizeReport } from '../../../src/scan/summary.js';

const repoRoot = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'../../../..'
);
const fixtureDir = path.resolve(
	repoRoot,
	'..',
	'shared',
	'fixtures',
	'trivy'
);
const fixtures = readdirSync( fixtureDir )
	.filter( ( name ) => name.endsWith( '.json' ) )
	.sort();

function raw( name: string ): unknown {
	return JSON.parse( readFileSync( path.join( fixtureDir, name ), 'utf8' ) );
}

type Json = Record< string, unknown >;

/**
 * The expectation, computed without the code under test: every object found in
 * any "Vulnerabilities" / "Secrets" array anywhere in the raw JSON.
 */
function collect( value: unknown, key: string, found: Json[] = [] ): Json[] {
	if ( Array.isArray( value ) ) {
		value.forEach( ( item ) => collect( item, key, found ) );
	} else if ( value && typeof value === 'object' ) {
		for ( const [ name, child ] of Object.entries( value ) ) {
			if ( name === key && Array.isArray( child ) ) {
				found.push( ...( child as Json[] ) );
			} else {
				collect( child, key, found );
			}
		}
	}
	return found;
}

const ALLOWED: Record< GateSeverity, string[] > = {
	NONE: [],
	LOW: [ 'LOW' ],
	MEDIUM: [ 'LOW', 'MEDIUM' ],
	HIGH: [ 'LOW', 'MEDIUM', 'HIGH' ],
	CRITICAL: [ 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL' ],
};

describe( 'Trivy fixtures', () => {
	it( 'finds the recorded reports', () => {
		expect( fixtures.length ).toBeGreaterThanOrEqual( 20 );
	} );

	it.each( fixtures )(
		'%s: summary counts as Trivy’s table does',
		( name ) => {
			const json = raw( name );
			const vulnerabilities = collect( json, 'Vulnerabilities' );
			const bySeverity = ( severity: string ) =>
				vulnerabilities.filter( ( v ) => v.Severity === severity )
					.length;
			const summary = summarizeReport( parseTrivyReport( json, name ) );

			expect( summary ).toEqual( {
				counts: {
					CRITICAL: bySeverity( 'CRITICAL' ),
					HIGH: bySeverity( 'HIGH' ),
					MEDIUM: bySeverity( 'MEDIUM' ),
					LOW: bySeverity( 'LOW' ),
					UNKNOWN: bySeverity( 'UNKNOWN' ),
				},
				total: vulnerabilities.length,
				uniqueIds: new Set(
					vulnerabilities.map( ( v ) => v.VulnerabilityID )
				).size,
				fixable: vulnerabilities.filter(
					( v ) =>
						typeof v.FixedVersion === 'string' &&
						v.FixedVersion !== ''
				).length,
				secrets: collect( json, 'Secrets' ).length,
			} );
			expect(
				listFindings( parseTrivyReport( json, name ) )
			).toHaveLength( vulnerabilities.length );
		}
	);

	it.each( fixtures )(
		'%s: gate result at every severity limit',
		( name ) => {
			const json = raw( name );
			const report = parseTrivyReport( json, name );
			const vulnerabilities = collect( json, 'Vulnerabilities' );
			for ( const maxSeverity of Object.keys(
				ALLOWED
			) as GateSeverity[] ) {
				const expected = vulnerabilities
					.filter(
						( v ) =>
							v.Severity !== 'UNKNOWN' &&
							! ALLOWED[ maxSeverity ].includes(
								v.Severity as string
							)
					)
					.map(
						( v ) =>
							`${ v.VulnerabilityID } ${ v.PkgName } ${ v.Severity }`
					);
				const result = evaluateGate( report, { maxSeverity } );
				expect( {
					maxSeverity,
					passed: result.passed,
					blocking: result.blocking.map(
						( b ) => `${ b.id } ${ b.pkg } ${ b.severity }`
					),
				} ).toEqual( {
					maxSeverity,
					passed: expected.length === 0,
					blocking: expected,
				} );
			}
		}
	);

	it( 'matches figures read off the reports by hand', () => {
		const summary = ( name: string ) =>
			summarizeReport( parseTrivyReport( raw( name ), name ) );
		// alpine 3.9: musl and musl-utils share CVE-2019-14697 (two rows, one id).
		expect( summary( 'alpine-39.json' ) ).toEqual( {
			counts: { CRITICAL: 2, HIGH: 0, MEDIUM: 4, LOW: 0, UNKNOWN: 0 },
			total: 6,
			uniqueIds: 3,
			fixable: 6,
			secrets: 0,
		} );
		expect(
			listFindings(
				parseTrivyReport( raw( 'alpine-39.json' ), 'alpine-39.json' )
			)[ 0 ]
		).toEqual( {
			id: 'CVE-2019-14697',
			pkg: 'musl',
			installedVersion: '1.1.20-r4',
			fixedVersion: '1.1.20-r5',
			severity: 'CRITICAL',
			title: '',
			target: 'testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)',
		} );
		expect( summary( 'gomod.json' ).counts.UNKNOWN ).toBe( 4 );
		expect( summary( 'secrets.json' ) ).toMatchObject( {
			total: 0,
			secrets: 2,
		} );
		const gate = evaluateGate(
			parseTrivyReport( raw( 'alpine-39.json' ), 'alpine-39.json' ),
			{ maxSeverity: 'HIGH' }
		);
		expect( gate.blocking ).toEqual( [
			expect.objectContaining( {
				id: 'CVE-2019-14697',
				pkg: 'musl',
				severity: 'CRITICAL',
			} ),
			expect.objectContaining( {
				id: 'CVE-2019-14697',
				pkg: 'musl-utils',
				severity: 'CRITICAL',
			} ),
		] );
	} );

	it( 'lets UNKNOWN findings through even with the strictest limit', () => {
		const report = parseTrivyReport( raw( 'gomod.json' ), 'gomod.json' );
		const result = evaluateGate( report, { maxSeverity: 'NONE' } );
		expect( result.blocking.map( ( b ) => b.severity ) ).toEqual( [
			'MEDIUM',
		] );
	} );
} );

describe( 'exemptions', () => {
	const report = parseTrivyReport(
		raw( 'alpine-39.json' ),
		'alpine-39.json'
	);
	const exemption = {
		id: 'CVE-2019-14697',
		reason: 'musl is not used by the application binary',
		expires: '2026-03-31',
	};

	it( 'count through the whole expiry day in UTC and not a moment after', () => {
		const lastMoment = new Date( '2026-03-31T23:59:59.999Z' );
		const dayAfter = new Date( '2026-04-01T00:00:00.000Z' );
		expect( exemptionActive( exemption, lastMoment ) ).toBe( true );
		expect( exemptionActive( exemption, dayAfter ) ).toBe( false );

		const during = evaluateGate( report, {
			maxSeverity: 'HIGH',
			exemptions: [ exemption ],
			now: lastMoment,
		} );
		expect( during.passed ).toBe( true );
		expect( during.exempted.map( ( e ) => e.pkg ) ).toEqual( [
			'musl',
			'musl-utils',
		] );

		const after = evaluateGate( report, {
			maxSeverity: 'HIGH',
			exemptions: [ exemption ],
			now: dayAfter,
		} );
		expect( after.passed ).toBe( false );
		expect( after.blocking ).toHaveLength( 2 );
		expect( after.expired ).toEqual( [ exemption ] );
	} );

	it( 'exempt only the ids they name', () => {
		const result = evaluateGate( report, {
			maxSeverity: 'LOW',
			exemptions: [ exemption ],
			now: new Date( '2026-01-01T00:00:00Z' ),
		} );
		expect( result.passed ).toBe( false );
		expect( new Set( result.blocking.map( ( b ) => b.severity ) ) ).toEqual(
			new Set( [ 'MEDIUM' ] )
		);
	} );

	it.each( [
		[ 'an impossible date', { ...exemption, expires: '2026-02-30' } ],
		[ 'a date in another format', { ...exemption, expires: '31/03/2026' } ],
		[ 'no reason', { ...exemption, reason: ' ' } ],
		[ 'an id with spaces', { ...exemption, id: 'CVE 2019' } ],
	] )( 'are refused with %s', ( _what, bad ) => {
		expect( () => parseExemptions( [ bad ], 'exemptions.json' ) ).toThrow(
			GatePolicyError
		);
		expect( () =>
			evaluateGate( report, { maxSeverity: 'HIGH', exemptions: [ bad ] } )
		).toThrow( /exemption/ );
	} );
} );

describe( 'report validation', () => {
	it( 'refuses a report of another schema version, saying so', () => {
		expect( () =>
			parseTrivyReport( { SchemaVersion: 1, Results: [] }, 'old.json' )
		).toThrow( TrivyReportError );
		expect( () =>
			parseTrivyReport( { SchemaVersion: 1, Results: [] }, 'old.json' )
		).toThrow( /old\.json.*SchemaVersion 2/ );
	} );

	it( 'refuses a finding with a severity Trivy does not use', () => {
		const report = {
			SchemaVersion: 2,
			Results: [
				{
					Target: 'x',
					Vulnerabilities: [
						{
							VulnerabilityID: 'CVE-1',
							PkgName: 'p',
							Severity: 'SEVERE',
						},
					],
				},
			],
		};
		expect( () => parseTrivyReport( report, 'odd.json' ) ).toThrow(
			/Severity/
		);
	} );

	it( 'keeps fields it does not read, so the stored report is whole', () => {
		const report = parseTrivyReport(
			raw( 'alpine-39.json' ),
			'alpine-39.json'
		);
		expect( report ).toHaveProperty(
			'Metadata.ImageConfig.architecture',
			'amd64'
		);
		expect( report.Results?.[ 0 ]?.Vulnerabilities?.[ 0 ] ).toHaveProperty(
			'PkgIdentifier'
		);
	} );
} );
