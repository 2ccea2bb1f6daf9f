import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
