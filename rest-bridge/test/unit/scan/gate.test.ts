import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { Policy, SeverityLimit } from '@k8or-orbit/contract';

import {
	decideGate,
	evaluateGate,
	evaluateGates,
	exemptionActive,
	GatePolicyError,
	parseExemptions,
	type GateScan,
} from '../../../src/scan/gate.js';
import { parseTrivyReport } from '../../../src/scan/report.js';
import { listFindings } from '../../../src/scan/summary.js';

const fixtureDir = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'../../../../..',
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

function scanned( name: string ): GateScan {
	return {
		status: 'scanned',
		findings: listFindings( parseTrivyReport( raw( name ), name ) ),
	};
}

type Json = Record< string, unknown >;

/** Every vulnerability in the raw JSON, found without the code under test. */
function vulnerabilities( value: unknown, found: Json[] = [] ): Json[] {
	if ( Array.isArray( value ) ) {
		value.forEach( ( item ) => vulnerabilities( item, found ) );
	} else if ( value && typeof value === 'object' ) {
		for ( const [ name, child ] of Object.entries( value ) ) {
			if ( name === 'Vulnerabilities' && Array.isArray( child ) ) {
				found.push( ...( child as Json[] ) );
			} else {
				vulnerabilities( child, found );
			}
		}
	}
	return found;
}

/** What each limit lets through, written out by hand. */
const ALLOWED: Record< SeverityLimit, string[] > = {
	NONE: [],
	LOW: [ 'LOW' ],
	MEDIUM: [ 'LOW', 'MEDIUM' ],
	HIGH: [ 'LOW', 'MEDIUM', 'HIGH' ],
	CRITICAL: [ 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNKNOWN' ],
};

const policy = ( overrides: Partial< Policy > = {} ): Policy => ( {
	scanRequired: true,
	maxSeverity: 'HIGH',
	...overrides,
} );

const NOW = new Date( '2026-01-15T12:00:00Z' );

describe( 'evaluateGate over the recorded Trivy reports', () => {
	it.each( fixtures )(
		'%s: blocks exactly the findings above each limit',
		( name ) => {
			const expectedFor = ( limit: SeverityLimit ) =>
				vulnerabilities( raw( name ) )
					.filter(
						( v ) =>
							! ALLOWED[ limit ].includes( v.Severity as string )
					)
					.map( ( v ) => `${ v.VulnerabilityID } ${ v.PkgName }` )
					.sort();
			for ( const maxSeverity of Object.keys(
				ALLOWED
			) as SeverityLimit[] ) {
				const verdict = evaluateGate( {
					environment: 'test',
					appName: 'hello-web',
					policy: policy( { maxSeverity } ),
					scan: scanned( name ),
					now: NOW,
				} );
				const expected = expectedFor( maxSeverity );
				expect( {
					maxSeverity,
					allowed: verdict.allowed,
					blocking: verdict.blocking
						.map( ( b ) => `${ b.id } ${ b.pkg }` )
						.sort(),
				} ).toEqual( {
					maxSeverity,
					allowed: expected.length === 0,
					blocking: expected.slice( 0, 100 ),
				} );
			}
		}
	);

	it( 'names each blocking finding with package, installed and fixed version', () => {
		const verdict = evaluateGate( {
			environment: 'test',
			appName: 'hello-web',
			policy: policy(),
			scan: scanned( 'alpine-39.json' ),
			now: NOW,
		} );
		expect( verdict ).toEqual( {
			environment: 'test',
			allowed: false,
			reason: 'findings',
			message:
				'test: blocked by CVE-2019-14697 (musl 1.1.20-r4, fixed in 1.1.20-r5), CVE-2019-14697 (musl-utils 1.1.20-r4, fixed in 1.1.20-r5)',
			blocking: [
				{
					id: 'CVE-2019-14697',
					pkg: 'musl',
					installedVersion: '1.1.20-r4',
					fixedVersion: '1.1.20-r5',
					severity: 'CRITICAL',
				},
				{
					id: 'CVE-2019-14697',
					pkg: 'musl-utils',
					installedVersion: '1.1.20-r4',
					fixedVersion: '1.1.20-r5',
					severity: 'CRITICAL',
				},
			],
			evaluatedAt: NOW.toISOString(),
		} );
	} );

	it( 'counts UNKNOWN as the most severe unless the policy says otherwise', () => {
		const unknownIds = vulnerabilities( raw( 'gomod.json' ) )
			.filter( ( v ) => v.Severity === 'UNKNOWN' )
			.map( ( v ) => v.VulnerabilityID );
		expect( unknownIds.length ).toBeGreaterThan( 0 );
		const blockedIds = ( overrides: Partial< Policy > ) =>
			evaluateGate( {
				environment: 'test',
				appName: 'hello-web',
				policy: policy( overrides ),
				scan: scanned( 'gomod.json' ),
				now: NOW,
			} )
				.blocking.filter( ( b ) => b.severity === 'UNKNOWN' )
				.map( ( b ) => b.id );

		expect( blockedIds( { maxSeverity: 'HIGH' } ) ).toEqual(
			expect.arrayContaining( unknownIds )
		);
		expect(
			blockedIds( { maxSeverity: 'HIGH', unknownSeverityAs: 'LOW' } )
		).toEqual( [] );
		expect(
			blockedIds( { maxSeverity: 'NONE', unknownSeverityAs: 'LOW' } )
		).toEqual( expect.arrayContaining( unknownIds ) );
		// A severity the scanner invents is UNKNOWN too.
		expect(
			evaluateGate( {
				environment: 'test',
				appName: 'hello-web',
				policy: policy( {
					maxSeverity: 'CRITICAL',
					unknownSeverityAs: 'CRITICAL',
				} ),
				scan: {
					status: 'scanned',
					findings: [
						{
							id: 'X-1',
							pkg: 'p',
							installedVersion: '1',
							severity: 'SEVERE',
						},
					],
				},
				now: NOW,
			} ).allowed
		).toBe( true );
	} );

	it( 'without a scan, blocks only where a scan is required, and says why', () => {
		const unavailable: GateScan = {
			status: 'unavailable',
			reason: 'no scanner is configured',
		};
		const verdicts = evaluateGates(
			{
				dev: policy( { scanRequired: false, maxSeverity: 'CRITICAL' } ),
				prod: policy( { scanRequired: true } ),
			},
			'hello-web',
			unavailable,
			NOW
		);
		expect( verdicts.dev ).toMatchObject( {
			allowed: true,
			reason: 'scan-unavailable',
			blocking: [],
		} );
		expect( verdicts.prod ).toMatchObject( {
			allowed: false,
			reason: 'scan-unavailable',
			message: expect.stringContaining( 'no scanner is configured' ),
		} );
		expect(
			evaluateGate( {
				environment: 'prod',
				appName: 'hello-web',
				policy: policy(),
				scan: undefined,
			} ).reason
		).toBe( 'scan-missing' );
	} );
} );

describe( 'exemptions', () => {
	const exemption = {
		id: 'CVE-2019-14697',
		app: 'hello-web',
		reason: 'musl is not used by the application binary',
		by: 'admin',
		expires: '2026-03-31',
	};
	const decide = (
		exemptions: Policy[ 'exemptions' ],
		now: Date,
		appName = 'hello-web'
	) =>
		decideGate( {
			environment: 'test',
			appName,
			policy: policy( { exemptions } ),
			scan: scanned( 'alpine-39.json' ),
			now,
		} );

	it( 'count through the whole expiry day in UTC and not a moment after', () => {
		const lastMoment = new Date( '2026-03-31T23:59:59.999Z' );
		const dayAfter = new Date( '2026-04-01T00:00:00.000Z' );
		expect( exemptionActive( exemption, lastMoment ) ).toBe( true );
		expect( exemptionActive( exemption, dayAfter ) ).toBe( false );

		const during = decide( [ exemption ], lastMoment );
		expect( during.verdict.allowed ).toBe( true );
		expect( during.exempted.map( ( e ) => e.pkg ) ).toEqual( [
			'musl',
			'musl-utils',
		] );

		const after = decide( [ exemption ], dayAfter );
		expect( after.verdict.allowed ).toBe( false );
		expect( after.verdict.blocking ).toHaveLength( 2 );
		expect( after.expired ).toEqual( [ exemption ] );
	} );

	it( 'apply to the app they name, or to every app with "*"', () => {
		expect(
			decide( [ exemption ], NOW, 'other-app' ).verdict.allowed
		).toBe( false );
		expect(
			decide( [ { ...exemption, app: '*' } ], NOW, 'other-app' ).verdict
				.allowed
		).toBe( true );
	} );

	it( 'exempt only the ids they name', () => {
		const result = decideGate( {
			environment: 'test',
			appName: 'hello-web',
			policy: policy( { maxSeverity: 'LOW', exemptions: [ exemption ] } ),
			scan: scanned( 'alpine-39.json' ),
			now: NOW,
		} );
		expect( result.verdict.allowed ).toBe( false );
		expect(
			new Set( result.verdict.blocking.map( ( b ) => b.severity ) )
		).toEqual( new Set( [ 'MEDIUM' ] ) );
	} );

	it.each( [
		[ 'an impossible date', { ...exemption, expires: '2026-02-30' } ],
		[ 'a date in another format', { ...exemption, expires: '31/03/2026' } ],
		[ 'no reason', { ...exemption, reason: '' } ],
		[ 'an id with spaces', { ...exemption, id: 'CVE 2019' } ],
		[ 'an app name that is not one', { ...exemption, app: 'Hello Web' } ],
		[ 'nobody who granted it', { ...exemption, by: '' } ],
	] )( 'are refused with %s', ( _what, bad ) => {
		expect( () => decide( [ bad ], NOW ) ).toThrow( GatePolicyError );
	} );

	it( 'written by hand for the CLI apply to every app unless they name one', () => {
		const [ parsed ] = parseExemptions(
			[ { id: 'CVE-2019-14697', reason: 'r', expires: '2026-03-31' } ],
			'exemptions.json'
		);
		expect( parsed ).toMatchObject( { app: '*', by: 'exemptions.json' } );
		expect( () =>
			parseExemptions(
				[ { id: 'CVE-1', reason: 'r', expires: 'soon' } ],
				'x'
			)
		).toThrow( /not a valid exemption list.*YYYY-MM-DD/ );
	} );
} );
