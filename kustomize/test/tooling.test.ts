/**
 * How Orbit ships outside Kubernetes: the wp-env set-up, the GitLab pipeline and the
 * container images. Each check is something that would break a developer's or the
 * pipeline's first run: a plugin path that is not there, a job waiting on a job that does
 * not exist, a Dockerfile copying a file the build context leaves out.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { wordpressSettings } from './contract';
import { render, repoRoot } from './manifests';

const read = ( file: string ) =>
	readFileSync( path.join( repoRoot, file ), 'utf8' );

describe( '.wp-env.json', () => {
	const wpEnv = JSON.parse( read( '.wp-env.json' ) );

	it( 'mounts the Orbit plugin from this repository on WordPress 6.8 with PHP 8.2', () => {
		expect( wpEnv.plugins ).toEqual( [ './plugin/k8or-orbit' ] );
		for ( const plugin of wpEnv.plugins as string[] ) {
			const directory = path.join( repoRoot, plugin );
			const headers = readdirSync( directory )
				.filter( ( file ) => file.endsWith( '.php' ) )
				.filter( ( file ) =>
					/^\s*\*\s*Plugin Name:/m.test(
						readFileSync( path.join( directory, file ), 'utf8' )
					)
				);
			expect(
				headers,
				`${ plugin } has no main plugin file`
			).toHaveLength( 1 );
		}
		expect( wpEnv.core ).toMatch( /6\.8/ );
		expect( wpEnv.phpVersion ).toBe( '8.2' );
	} );

	it( 'sets only Orbit constants the plugin reads, and commits no secret', () => {
		const known = new Set( wordpressSettings() );
		const orbitConstants = Object.keys( wpEnv.config ).filter( ( name ) =>
			name.startsWith( 'K8OR_ORBIT_' )
		);
		expect( orbitConstants ).toContain( 'K8OR_ORBIT_BRIDGE_URL' );
		for ( const name of orbitConstants ) {
			expect(
				known.has( name ),
				`${ name } is not in docs/architecture.md`
			).toBe( true );
			expect(
				name,
				'secrets belong in .wp-env.override.json'
			).not.toMatch( /SECRET|PASSWORD/ );
		}
	} );
} );

type Job = Record< string, any >;

/** A job with its `extends` chain merged in, the way GitLab merges hashes (deeply; lists replaced). */
function resolveJob(
	pipeline: Record< string, Job >,
	name: string,
	seen: string[] = []
): Job {
	if ( seen.includes( name ) ) {
		throw new Error(
			`extends loops through ${ [ ...seen, name ].join( ' → ' ) }`
		);
	}
	const job = pipeline[ name ];
	if ( ! job ) {
		throw new Error(
			`extends names ${ name }, which the pipeline does not define`
		);
	}
	const parents = job.extends === undefined ? [] : [ job.extends ].flat();
	const merge = ( base: Job, over: Job ): Job => {
		const result: Job = { ...base };
		for ( const [ key, value ] of Object.entries( over ) ) {
			const isHash = ( candidate: unknown ) =>
				candidate &&
				typeof candidate === 'object' &&
				! Array.isArray( candidate );
			result[ key ] =
				isHash( value ) && isHash( base[ key ] )
					? merge( base[ key ], value )
					: value;
		}
		return result;
	};
	const inherited = parents.reduce(
		( merged: Job, parent: string ) =>
			merge( merged, resolveJob( pipeline, parent, [ ...seen, name ] ) ),
		{}
	);
	const { extends: _chain, ...own } = job;
	return merge( inherited, own );
}

describe( '.gitlab-ci.yml', () => {
	const pipeline = parse( read( '.gitlab-ci.yml' ) ) as Record< string, Job >;
	const reserved = new Set( [
		'stages',
		'default',
		'variables',
		'workflow',
		'include',
	] );
	const jobNames = Object.keys( pipeline ).filter(
		( key ) => ! reserved.has( key ) && ! key.startsWith( '.' )
	);
	const jobs = new Map(
		jobNames.map( ( name ) => [ name, resolveJob( pipeline, name ) ] )
	);

	it( 'runs the stages in order with the jobs each one needs', () => {
		expect( pipeline.stages ).toEqual( [
			'install',
			'lint',
			'build',
			'test',
			'images',
			'deploy',
		] );
		expect( pipeline.default?.image ).toMatch( /^node:20/ );
		expect( jobNames.sort() ).toEqual(
			[
				'build',
				'deploy-dev',
				'deploy-prod',
				'deploy-test',
				'image-rest-bridge',
				'image-wordpress',
				'install',
				'lint',
				'test',
			].sort()
		);
		const stageOf = ( name: string ) =>
			( pipeline.stages as string[] ).indexOf( jobs.get( name )!.stage );
		for ( const [ name, job ] of jobs ) {
			expect(
				stageOf( name ),
				`${ name } has stage ${ job.stage }`
			).toBeGreaterThanOrEqual( 0 );
			for ( const needed of ( job.needs ?? [] ) as string[] ) {
				expect(
					jobs.has( needed ),
					`${ name } needs ${ needed }`
				).toBe( true );
				expect(
					stageOf( needed ),
					`${ name } needs ${ needed } from a later stage`
				).toBeLessThanOrEqual( stageOf( name ) );
			}
		}
	} );

	it( 'tests with npm test and keeps the end-to-end screenshots, even when it fails', () => {
		const test = jobs.get( 'test' )!;
		expect( test.script ).toContain( 'npm test' );
		expect( test.artifacts.when ).toBe( 'always' );
		expect( test.artifacts.paths ).toEqual(
			expect.arrayContaining( [ 'test-results/', 'playwright-report/' ] )
		);
	} );

	it( 'builds each image with kaniko from a Dockerfile that exists, and deploys into overlays that exist', () => {
		for ( const image of [ 'wordpress', 'rest-bridge' ] ) {
			const job = jobs.get( `image-${ image }` )!;
			expect( job.image.name ).toMatch( /kaniko/ );
			const executor = ( job.script as string[] ).find( ( line ) =>
				line.includes( '/kaniko/executor' )
			)!;
			const dockerfile = /--dockerfile "([^"]+)"/
				.exec( executor )![ 1 ]!
				.replace( '$IMAGE', job.variables.IMAGE );
			expect(
				existsSync( path.join( repoRoot, dockerfile ) ),
				dockerfile
			).toBe( true );
			expect( executor ).toContain( '--digest-file' );
		}
		for ( const overlay of [ 'dev', 'test', 'prod' ] ) {
			const job = jobs.get( `deploy-${ overlay }` )!;
			expect( job.variables.ORBIT_OVERLAY ).toBe( overlay );
			expect(
				existsSync(
					path.join(
						repoRoot,
						'kustomize',
						'overlays',
						overlay,
						'kustomization.yaml'
					)
				)
			).toBe( true );
			expect( ( job.script as string[] ).join( '\n' ) ).toMatch(
				/kustomize edit set image[\s\S]*orbit-rest-bridge=/
			);
		}
		expect( jobs.get( 'deploy-prod' )!.rules[ 0 ].when ).toBe( 'manual' );
		expect( jobs.get( 'deploy-prod' )!.needs ).toContain( 'deploy-test' );
	} );
} );

/** The instructions of a Dockerfile, continuation lines joined. */
function instructions(
	dockerfile: string
): { keyword: string; args: string }[] {
	return read( dockerfile )
		.replace( /\\\n/g, ' ' )
		.split( '\n' )
		.map( ( line ) => line.trim() )
		.filter( ( line ) => line && ! line.startsWith( '#' ) )
		.map( ( line ) => {
			const [ keyword, ...rest ] = line.split( /\s+/ );
			return { keyword: keyword!.toUpperCase(), args: rest.join( ' ' ) };
		} );
}

/** Whether a .dockerignore pattern excludes a path (the subset of the syntax used here). */
function ignored( patterns: string[], file: string ): boolean {
	return patterns.some( ( pattern ) => {
		const expression = pattern
			.replace( /[.+^${}()|[\]\\]/g, '\\$&' )
			.replace( /\*\*\//g, '(?:.*/)?' )
			.replace( /\*/g, '[^/]*' );
		return new RegExp( `^${ expression }(?:/.*)?$` ).test( file );
	} );
}

describe.each( [ 'wordpress', 'rest-bridge' ] )(
	'docker/wp-env/%s.Dockerfile',
	( image ) => {
		const dockerfile = `docker/wp-env/${ image }.Dockerfile`;
		const steps = instructions( dockerfile );
		const ignorePatterns = read( 'docker/wp-env/.dockerignore' )
			.split( '\n' )
			.map( ( line ) => line.trim() )
			.filter( ( line ) => line && ! line.startsWith( '#' ) );

		it( 'copies only files that exist in the repository and that the build context sends', () => {
			const copies = steps.filter(
				( step ) =>
					step.keyword === 'COPY' && ! step.args.includes( '--from=' )
			);
			expect( copies.length ).toBeGreaterThan( 0 );
			for ( const { args } of copies ) {
				const sources = args
					.split( ' ' )
					.filter( ( word ) => ! word.startsWith( '--' ) )
					.slice( 0, -1 );
				for ( const source of sources ) {
					expect(
						existsSync( path.join( repoRoot, source ) ),
						`${ dockerfile } copies ${ source }`
					).toBe( true );
					expect(
						ignored( ignorePatterns, source ),
						`.dockerignore leaves out ${ source }`
					).toBe( false );
				}
			}
		} );

		it( 'runs its final stage as a numbered non-root user', () => {
			const finalStage = steps.slice(
				steps.map( ( step ) => step.keyword ).lastIndexOf( 'FROM' )
			);
			const users = finalStage
				.filter( ( step ) => step.keyword === 'USER' )
				.map( ( step ) => step.args );
			expect( users.at( -1 ) ).toMatch( /^[1-9]\d*(:\d+)?$/ );
		} );
	}
);

describe( 'the rest-bridge image and its Deployment', () => {
	it( 'starts the server and the provision command from files the bridge workspace builds', async () => {
		const steps = instructions( 'docker/wp-env/rest-bridge.Dockerfile' );
		const workdir = steps
			.filter( ( step ) => step.keyword === 'WORKDIR' )
			.at( -1 )!.args;
		expect( workdir ).toBe( '/app/rest-bridge' );
		const command = JSON.parse(
			steps.find( ( step ) => step.keyword === 'CMD' )!.args
		) as string[];
		expect( command ).toEqual( [ 'node', 'dist/server.js' ] );
		expect(
			existsSync(
				path.join( repoRoot, 'rest-bridge', 'src', 'server.ts' )
			)
		).toBe( true );

		const base = await render( 'base' );
		const [ provision ] =
			base.podSpec( 'rest-bridge' ).initContainers ?? [];
		expect( provision?.command?.slice( 2 ) ).toEqual( [ 'provision' ] );
		expect(
			existsSync(
				path.join( repoRoot, 'rest-bridge', provision!.command![ 1 ]! )
			)
		).toBe( true );
	} );
} );
