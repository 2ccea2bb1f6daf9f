import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildCli, CLI_BIN, REPO_ROOT } from '../support/archives-cli.js';
import {
	fileEntry,
	readTar,
	sha256,
	testImages,
	writeTar,
	type BuiltImages,
} from '../support/archives.js';

const run = promisify( execFile );
const FIXTURES = path.resolve( REPO_ROOT, '..', 'shared', 'fixtures', 'trivy' );
const fixture = ( name: string ) => path.join( FIXTURES, name );

interface Outcome {
	code: number;
	stdout: string;
	stderr: string;
}

function orbitBridge( ...args: string[] ): Promise< Outcome > {
	return new Promise( ( resolve ) => {
		execFile(
			process.execPath,
			[ CLI_BIN, ...args ],
			{ cwd: REPO_ROOT },
			( error, stdout, stderr ) => {
				resolve( {
					code: error ? Number( error.code ) : 0,
					stdout,
					stderr,
				} );
			}
		);
	} );
}

describe( 'orbit-bridge command line', () => {
	let images: BuiltImages;
	let dir: string;

	beforeAll( async () => {
		buildCli();
		images = await testImages();
		dir = await mkdtemp( path.join( tmpdir(), 'orbit-cli-' ) );
	}, 180_000 );

	afterAll( async () => {
		await rm( dir, { recursive: true, force: true } );
	} );

	describe( 'validate-image', () => {
		it( 'prints the image facts as JSON and exits 0 for a valid archive', async () => {
			const { code, stdout } = await orbitBridge(
				'validate-image',
				images.ociArchive,
				'--json'
			);
			expect( code ).toBe( 0 );
			const facts = JSON.parse( stdout );
			const { stdout: rawConfig } = await run( 'skopeo', [
				'inspect',
				'--config',
				'--raw',
				`oci-archive:${ images.ociArchive }`,
			] );
			expect( facts ).toMatchObject( {
				format: 'oci-archive',
				configDigest: sha256( rawConfig ),
				repoTags: [ 'app' ],
				os: 'linux',
				architecture: 'arm64',
				exposedPorts: [ '8080/tcp', '9090/udp' ],
			} );
			expect( facts.layers ).toHaveLength( 3 );
			for ( const layer of facts.layers ) {
				expect( Object.keys( layer ).sort() ).toEqual( [
					'diffId',
					'digest',
					'mediaType',
					'size',
				] );
			}
			expect( facts.totalSize ).toBe(
				facts.layers.reduce(
					( sum: number, l: { size: number } ) => sum + l.size,
					0
				)
			);
		} );

		it( 'prints a readable report for a docker-archive', async () => {
			const { code, stdout } = await orbitBridge(
				'validate-image',
				images.dockerArchive
			);
			expect( code ).toBe( 0 );
			expect( stdout ).toMatch( /^valid docker-archive/ );
			expect( stdout ).toContain( 'example.test/demo:1.0' );
			expect( stdout ).toContain( 'linux/arm64' );
		} );

		it( 'exits 2 with the error code and what to fix for a hostile archive', async () => {
			const entries = await readTar(
				await readFile( images.ociArchive )
			);
			const hostile = path.join( dir, 'traversal.tar' );
			await writeFile(
				hostile,
				await writeTar( [
					fileEntry( '../../etc/cron.d/evil', 'x' ),
					...entries,
				] )
			);

			const text = await orbitBridge( 'validate-image', hostile );
			expect( text.code ).toBe( 2 );
			expect( text.stderr ).toMatch(
				/ARCHIVE_PATH_TRAVERSAL: Entry "\.\.\/\.\.\/etc\/cron\.d\/evil".*Re-create the archive/
			);

			const json = await orbitBridge(
				'validate-image',
				hostile,
				'--json'
			);
			expect( json.code ).toBe( 2 );
			expect( JSON.parse( json.stdout ) ).toEqual( {
				error: {
					code: 'ARCHIVE_PATH_TRAVERSAL',
					message: expect.stringContaining( 'evil' ),
				},
			} );
		} );

		it( 'exits 1 when the archive cannot be read at all', async () => {
			const { code, stderr } = await orbitBridge(
				'validate-image',
				path.join( dir, 'absent.tar' )
			);
			expect( code ).toBe( 1 );
			expect( stderr ).toContain( 'no such file' );
		} );

		it( 'explains its usage when the archive is missing', async () => {
			const { code, stderr } = await orbitBridge( 'validate-image' );
			expect( code ).toBe( 64 );
			expect( stderr ).toContain(
				'usage: orbit-bridge validate-image ARCHIVE'
			);
		} );
	} );

	describe( 'scan-summary', () => {
		it( 'prints the counts as JSON', async () => {
			const { code, stdout } = await orbitBridge(
				'scan-summary',
				fixture( 'alpine-39.json' ),
				'--json'
			);
			expect( code ).toBe( 0 );
			expect( JSON.parse( stdout ) ).toEqual( {
				counts: { CRITICAL: 2, HIGH: 0, MEDIUM: 4, LOW: 0, UNKNOWN: 0 },
				total: 6,
				uniqueIds: 3,
				fixable: 6,
				secrets: 0,
			} );
		} );

		it( 'prints the totals line the way Trivy’s table does, then the findings', async () => {
			const { code, stdout } = await orbitBridge(
				'scan-summary',
				fixture( 'alpine-39.json' )
			);
			expect( code ).toBe( 0 );
			expect( stdout ).toContain(
				'Total: 6 (UNKNOWN: 0, LOW: 0, MEDIUM: 4, HIGH: 0, CRITICAL: 2)'
			);
			expect( stdout ).toMatch(
				/CRITICAL +CVE-2019-14697 +musl 1\.1\.20-r4 → 1\.1\.20-r5/
			);
		} );

		it( 'counts secrets', async () => {
			const { stdout } = await orbitBridge(
				'scan-summary',
				fixture( 'secrets.json' ),
				'--json'
			);
			expect( JSON.parse( stdout ) ).toMatchObject( {
				total: 0,
				secrets: 2,
			} );
		} );

		it( 'exits 2 naming the problem for a file that is not a Trivy report', async () => {
			const notReport = path.join( dir, 'package.json' );
			await writeFile( notReport, '{"name":"x"}' );
			const { code, stderr } = await orbitBridge(
				'scan-summary',
				notReport
			);
			expect( code ).toBe( 2 );
			expect( stderr ).toMatch(
				/is not a Trivy JSON report.*SchemaVersion 2/
			);
		} );
	} );

	describe( 'gate', () => {
		it( 'blocks with exit 1, listing each blocking vulnerability with package and severity', async () => {
			const { code, stdout } = await orbitBridge(
				'gate',
				fixture( 'alpine-39.json' ),
				'--max-severity',
				'HIGH'
			);
			expect( code ).toBe( 1 );
			expect( stdout ).toContain(
				'BLOCKED: 2 vulnerabilities above HIGH'
			);
			expect( stdout ).toMatch( /CVE-2019-14697 musl CRITICAL/ );
			expect( stdout ).toMatch( /CVE-2019-14697 musl-utils CRITICAL/ );
		} );

		it( 'passes with exit 0 when nothing is above the limit', async () => {
			const { code, stdout } = await orbitBridge(
				'gate',
				fixture( 'alpine-39.json' ),
				'--max-severity',
				'critical'
			);
			expect( code ).toBe( 0 );
			expect( stdout ).toContain( 'PASSED' );
		} );

		it( 'honours a current exemption and ignores an expired one', async () => {
			const current = path.join( dir, 'current.json' );
			const expired = path.join( dir, 'expired.json' );
			const exemption = {
				id: 'CVE-2019-14697',
				reason: 'musl is not reachable',
			};
			await writeFile(
				current,
				JSON.stringify( [ { ...exemption, expires: '2999-12-31' } ] )
			);
			await writeFile(
				expired,
				JSON.stringify( [ { ...exemption, expires: '2001-01-01' } ] )
			);

			const pass = await orbitBridge(
				'gate',
				fixture( 'alpine-39.json' ),
				'--max-severity',
				'HIGH',
				'--exemptions',
				current
			);
			expect( pass.code ).toBe( 0 );
			expect( pass.stdout ).toContain(
				'exempted: CVE-2019-14697 musl CRITICAL until 2999-12-31'
			);

			const block = await orbitBridge(
				'gate',
				fixture( 'alpine-39.json' ),
				'--max-severity',
				'HIGH',
				'--exemptions',
				expired
			);
			expect( block.code ).toBe( 1 );
			expect( block.stdout ).toContain(
				'expired exemption: CVE-2019-14697 ended 2001-01-01'
			);
		} );

		it( 'says what to fix for a bad exemption list, a bad severity or a missing limit', async () => {
			const bad = path.join( dir, 'bad.json' );
			await writeFile(
				bad,
				JSON.stringify( [
					{ id: 'CVE-1', reason: 'x', expires: 'next year' },
				] )
			);
			const badList = await orbitBridge(
				'gate',
				fixture( 'alpine-39.json' ),
				'--max-severity',
				'HIGH',
				'--exemptions',
				bad
			);
			expect( badList.code ).toBe( 2 );
			expect( badList.stderr ).toMatch(
				/not a valid exemption list.*YYYY-MM-DD/
			);

			const badSeverity = await orbitBridge(
				'gate',
				fixture( 'alpine-39.json' ),
				'--max-severity',
				'SEVERE'
			);
			expect( badSeverity.code ).toBe( 2 );
			expect( badSeverity.stderr ).toContain(
				'use one of NONE, LOW, MEDIUM, HIGH, CRITICAL'
			);

			const noLimit = await orbitBridge(
				'gate',
				fixture( 'alpine-39.json' )
			);
			expect( noLimit.code ).toBe( 64 );
			expect( noLimit.stderr ).toContain( '--max-severity is required' );
		} );
	} );

	it( 'runs from the repository root through npx', async () => {
		const { stdout } = await run(
			'npx',
			[
				'--no',
				'orbit-bridge',
				'scan-summary',
				fixture( 'gomod.json' ),
				'--json',
			],
			{ cwd: REPO_ROOT }
		);
		expect( JSON.parse( stdout ) ).toMatchObject( {
			total: 5,
			counts: { UNKNOWN: 4, MEDIUM: 1 },
		} );
	} );

	it( 'names an unknown command and lists the commands', async () => {
		const { code, stderr } = await orbitBridge( 'deploy-everything' );
		expect( code ).toBe( 64 );
		expect( stderr ).toContain( 'unknown command "deploy-everything"' );
		for ( const command of [ 'validate-image', 'scan-summary', 'gate' ] ) {
			expect( stderr ).toContain( command );
		}
	} );
} );
