import { LIMITS } from '@k8or-orbit/contract';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const valid = {
	ORBIT_BRIDGE_SECRET: 'x'.repeat( 32 ),
	ORBIT_WORDPRESS_URL: 'http://127.0.0.1:8080/',
};

function problems( env: Record< string, string > ): string[] {
	try {
		loadConfig( env );
	} catch ( error ) {
		expect( error ).toBeInstanceOf( ConfigError );
		return ( error as ConfigError ).problems;
	}
	throw new Error( 'expected a ConfigError' );
}

describe( 'bridge configuration', () => {
	it( 'gives each environment its registry and namespace, with the shared registry as default', () => {
		const config = loadConfig( {
			...valid,
			ORBIT_ENVIRONMENTS: 'dev,eu-prod',
			ORBIT_REGISTRY_URL: 'http://127.0.0.1:5000',
			ORBIT_REGISTRY_URL_EU_PROD:
				'https://registry.example.com/orbit/prod',
			ORBIT_NAMESPACE_DEV: 'team-dev',
		} );
		expect( config.targets ).toEqual( {
			dev: {
				registryUrl: 'http://127.0.0.1:5000',
				namespace: 'team-dev',
			},
			'eu-prod': {
				registryUrl: 'https://registry.example.com/orbit/prod',
				namespace: 'orbit-eu-prod',
			},
		} );
		expect( config.gitopsBranch ).toBe( 'main' );
		expect(
			problems( {
				...valid,
				ORBIT_NAMESPACE_DEV: 'Not_A_Label',
				ORBIT_REGISTRY_URL_PROD: 'registry:5000',
			} )
		).toEqual( [
			expect.stringMatching(
				/^ORBIT_NAMESPACE_DEV \("Not_A_Label"\): must be a DNS label/
			),
			expect.stringMatching(
				/^ORBIT_REGISTRY_URL_PROD \("registry:5000"\): must be an http\(s\) URL/
			),
		] );
	} );

	it( 'applies the documented defaults', () => {
		const config = loadConfig( valid );
		expect( config.host ).toBe( '127.0.0.1' );
		expect( config.port ).toBe( 8787 );
		expect( config.wordpressUrl ).toBe( 'http://127.0.0.1:8080' );
		expect( config.nats.url ).toBe( 'nats://127.0.0.1:4222' );
		expect( config.s3 ).toMatchObject( {
			region: 'us-east-1',
			forcePathStyle: false,
			bucketPrefix: 'orbit-',
		} );
		expect( config.s3.endpoint ).toBeUndefined();
		expect( config.dynamodb.tablePrefix ).toBe( 'orbit-' );
		expect( config.environments ).toEqual( [ 'dev', 'test', 'prod' ] );
		expect( config.trivy ).toEqual( {
			path: undefined,
			serverUrl: undefined,
			timeoutMs: 600_000,
		} );
		expect( config.maxArchiveBytes ).toBe( 4294967296 );
		expect( config.uploadSweep ).toEqual( {
			abandonedAfterSeconds: LIMITS.uploadAbandonedAfterSeconds,
			intervalMs: 3_600_000,
		} );
	} );

	it( 'names a missing secret and a missing WordPress URL', () => {
		const found = problems( {} );
		expect(
			found.some( ( p ) => p.startsWith( 'ORBIT_BRIDGE_SECRET (unset)' ) )
		).toBe( true );
		expect(
			found.some( ( p ) => p.startsWith( 'ORBIT_WORDPRESS_URL (unset)' ) )
		).toBe( true );
	} );

	it( 'rejects a short secret, saying how long it must be', () => {
		expect(
			problems( { ...valid, ORBIT_BRIDGE_SECRET: 'short' } )
		).toEqual( [
			expect.stringMatching(
				/^ORBIT_BRIDGE_SECRET .*at least 32 characters/
			),
		] );
	} );

	it( 'refuses a signing secret published as an example, says how to make one and never prints it', () => {
		const example = 'example-only-signing-secret-not-for-real-use-0001';
		const found = problems( { ...valid, ORBIT_BRIDGE_SECRET: example } );
		expect( found ).toEqual( [
			expect.stringMatching(
				/^ORBIT_BRIDGE_SECRET \(set\): is a published example value.*openssl rand -hex 32/
			),
		] );
		expect( found.join( '\n' ) ).not.toContain( example );
	} );

	it( 'names a bad port, environment list and flag', () => {
		const found = problems( {
			...valid,
			ORBIT_BRIDGE_PORT: 'eighty',
			ORBIT_ENVIRONMENTS: 'dev,Prod',
			ORBIT_S3_FORCE_PATH_STYLE: 'yes',
		} );
		expect( found.map( ( p ) => p.split( ' ' )[ 0 ] ).sort() ).toEqual( [
			'ORBIT_BRIDGE_PORT',
			'ORBIT_ENVIRONMENTS',
			'ORBIT_S3_FORCE_PATH_STYLE',
		] );
		expect(
			found.find( ( p ) => p.startsWith( 'ORBIT_BRIDGE_PORT' ) )
		).toContain( '"eighty"' );
	} );

	it( 'parses the optional services and limits', () => {
		const config = loadConfig( {
			...valid,
			ORBIT_S3_ENDPOINT: 'http://127.0.0.1:4568',
			ORBIT_S3_FORCE_PATH_STYLE: 'true',
			ORBIT_ENVIRONMENTS: 'dev, staging',
			ORBIT_TRIVY_PATH: '/usr/local/bin/trivy',
			ORBIT_TRIVY_TIMEOUT_SECONDS: '30',
			ORBIT_MAX_ARCHIVE_BYTES: '1048576',
			ORBIT_REGISTRY_URL: '',
			ORBIT_UPLOAD_ABANDONED_AFTER_SECONDS: '7200',
			ORBIT_UPLOAD_SWEEP_INTERVAL_SECONDS: '600',
		} );
		expect( config.uploadSweep ).toEqual( {
			abandonedAfterSeconds: 7200,
			intervalMs: 600_000,
		} );
		expect( config.s3 ).toMatchObject( {
			endpoint: 'http://127.0.0.1:4568',
			forcePathStyle: true,
		} );
		expect( config.environments ).toEqual( [ 'dev', 'staging' ] );
		expect( config.trivy ).toEqual( {
			path: '/usr/local/bin/trivy',
			serverUrl: undefined,
			timeoutMs: 30_000,
		} );
		expect( config.maxArchiveBytes ).toBe( 1048576 );
		expect( config.registryUrl ).toBeUndefined();
	} );

	it( 'rejects a URL that is not one', () => {
		expect(
			problems( { ...valid, ORBIT_GITOPS_URL: 'not a url' } )[ 0 ]
		).toMatch( /^ORBIT_GITOPS_URL/ );
	} );

	it( 'gives each environment its own cluster connection, or none', () => {
		const config = loadConfig( {
			...valid,
			KUBECONFIG: '/etc/orbit/kubeconfig',
			ORBIT_KUBE_CONTEXT_DEV: 'kind-dev',
			ORBIT_ARGOCD_URL: 'https://argocd.example.test',
			ORBIT_ARGOCD_TOKEN: 'shared-token',
			ORBIT_ARGOCD_TOKEN_PROD: 'prod-token',
			ORBIT_ARGOCD_APPLICATION_PROD: 'payments-prod',
		} );
		expect( config.clusters.kubeContexts ).toEqual( { dev: 'kind-dev' } );
		expect( config.clusters.argocd.dev ).toEqual( {
			url: 'https://argocd.example.test',
			token: 'shared-token',
			application: 'orbit-dev',
			deadlineMs: 600_000,
		} );
		expect( config.clusters.argocd.prod ).toMatchObject( {
			token: 'prod-token',
			application: 'payments-prod',
		} );
		expect( loadConfig( valid ).clusters ).toMatchObject( {
			kubeContexts: {},
			argocd: {},
			rolloutDeadlineMs: 600_000,
		} );
	} );

	it( 'names what a cluster connection is missing', () => {
		expect(
			problems( { ...valid, ORBIT_KUBE_CONTEXT_DEV: 'kind-dev' } )
		).toEqual( [
			'ORBIT_KUBE_CONTEXT_DEV ("kind-dev"): needs KUBECONFIG, the kubeconfig file holding the context',
		] );
		expect(
			problems( {
				...valid,
				ORBIT_ARGOCD_URL_TEST: 'https://argocd.example.test',
			} )
		).toEqual( [
			'ORBIT_ARGOCD_TOKEN_TEST (unset): Argo CD at https://argocd.example.test needs a token (ORBIT_ARGOCD_TOKEN or ORBIT_ARGOCD_TOKEN_TEST)',
		] );
		expect(
			problems( { ...valid, ORBIT_ARGOCD_WEBHOOK_SECRET: 'short' } )[ 0 ]
		).toMatch( /^ORBIT_ARGOCD_WEBHOOK_SECRET .*at least 32/ );
	} );
} );
