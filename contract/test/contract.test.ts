import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// @ts-expect-error The generator is a plain script without type declarations.
import { outputs, SOURCE } from '../generate.mjs';

const contract = JSON.parse( readFileSync( SOURCE, 'utf8' ) );
const defs = contract.schemas.$defs;

describe( 'docs/contract.json', () => {
	it( 'is what the generated TypeScript and the plugin’s copy hold (npm run contract)', () => {
		for ( const [ file, text ] of outputs() as Map< string, string > ) {
			expect( readFileSync( file, 'utf8' ), file ).toBe( text );
		}
	} );

	it( 'writes each pattern and limit once: the shapes restate the sections exactly', () => {
		const { patterns, limits, severities } = contract;
		const event = defs.Event.properties;
		expect( event.appName.pattern ).toBe( patterns.appName );
		expect( event.environment.pattern ).toBe( patterns.environmentName );
		expect( event.jobId.pattern ).toBe( patterns.jobId );
		expect( event.name.pattern ).toBe( patterns.eventName );
		expect( event.message.maxLength ).toBe( limits.eventMessageLength );
		expect( event.step.maxLength ).toBe( limits.stepNameLength );
		expect( defs.Actor.properties.login.maxLength ).toBe(
			limits.loginLength
		);
		expect( defs.Verdict.properties.environment.pattern ).toBe(
			patterns.environmentName
		);
		expect( defs.Verdict.properties.message.maxLength ).toBe(
			limits.verdictMessageLength
		);
		expect( defs.Verdict.properties.blocking.maxItems ).toBe(
			limits.blockingFindingsPerVerdict
		);
		const exemption = defs.Exemption.properties;
		expect( exemption.id.pattern ).toBe( patterns.vulnerabilityId );
		expect( exemption.expires.pattern ).toBe( patterns.date );
		expect( exemption.reason.maxLength ).toBe(
			limits.exemptionReasonLength
		);
		expect( exemption.app.pattern ).toBe(
			`^(\\*|${ patterns.appName.slice( 1, -1 ) })$`
		);
		expect( defs.Policy.properties.exemptions.maxItems ).toBe(
			limits.exemptionsPerPolicy
		);
		expect( defs.Policies.maxProperties ).toBe( limits.environments );
		expect( defs.Verdicts.maxProperties ).toBe( limits.environments );
		expect( defs.Severity.enum ).toEqual( severities.order );
		expect( defs.SeverityLimit.enum ).toEqual( severities.limits );
		expect( Object.keys( defs.ScanCounts.properties ) ).toEqual(
			severities.order
		);
		for ( const extension of limits.archiveExtensions ) {
			expect(
				new RegExp( patterns.archiveFilename ).test(
					`image${ extension }`
				)
			).toBe( true );
		}
		expect(
			new RegExp( patterns.archiveFilename ).test( 'image.tar.gz' )
		).toBe( false );
	} );

	it( 'gives each job distinct step names and emits each event at most once', () => {
		for ( const [ kind, job ] of Object.entries( contract.jobs ) ) {
			if ( kind === '$comment' ) {
				continue;
			}
			const { steps, completedEvent, failureEvent } = job as {
				steps: Array< { name: string; events: string[] } >;
				completedEvent: string;
				failureEvent: string;
			};
			const names = steps.map( ( step ) => step.name );
			const events = steps.flatMap( ( step ) => step.events );
			expect( new Set( names ).size, kind ).toBe( names.length );
			expect( new Set( events ).size, kind ).toBe( events.length );
			expect( events.at( -1 ), kind ).toBe( completedEvent );
			expect( events, kind ).not.toContain( failureEvent );
			for ( const name of [ ...events, failureEvent ] ) {
				expect( name ).toMatch(
					new RegExp( contract.patterns.eventName )
				);
			}
		}
	} );
} );
