import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
	containerPorts,
	imageTag,
	renderKustomization,
} from '../../src/jobs/kustomization.js';
import type { ImageFacts } from '../../src/image/validate-archive.js';

const facts = {
	format: 'docker-archive',
	configDigest: `sha256:${ 'a'.repeat( 64 ) }`,
	layers: [],
	repoTags: [ 'hello-web:1.0' ],
	os: 'linux',
	architecture: 'amd64',
	exposedPorts: [ '8080/tcp', '53/udp' ],
	entrypoint: [ '/bin/httpd' ],
	cmd: [],
	env: [],
	labels: {},
	totalSize: 10,
} as unknown as ImageFacts;

const app = {
	name: 'hello-web',
	title: 'Hello',
	description: '',
	category: '',
	environment: 'dev',
	deployInputs: { env: { GREETING: 'hi', IGNORED: 3 } },
};

describe( 'the Kustomize base of an uploaded app', () => {
	it( 'reads ports with their protocol', () => {
		expect( containerPorts( facts ) ).toEqual( [
			{ port: 8080, protocol: 'TCP' },
			{ port: 53, protocol: 'UDP' },
		] );
	} );

	it( 'renders a deployment, a service for the exposed ports and the kustomization', () => {
		const files = renderKustomization(
			app,
			facts,
			imageTag( facts.configDigest )
		);
		expect( Object.keys( files ).sort() ).toEqual( [
			'deployment.yaml',
			'kustomization.yaml',
			'service.yaml',
		] );
		const deployment = parse( files[ 'deployment.yaml' ] ?? '' );
		const container = deployment.spec.template.spec.containers[ 0 ];
		expect( container.image ).toBe( 'hello-web' );
		expect( container.ports ).toEqual( [
			{ containerPort: 8080, protocol: 'TCP' },
			{ containerPort: 53, protocol: 'UDP' },
		] );
		// Only string values become container environment variables.
		expect( container.env ).toEqual( [
			{ name: 'GREETING', value: 'hi' },
		] );
		const kustomization = parse( files[ 'kustomization.yaml' ] ?? '' );
		expect( kustomization.resources ).toEqual( [
			'deployment.yaml',
			'service.yaml',
		] );
		expect( kustomization.images ).toEqual( [
			{
				name: 'hello-web',
				newName: 'orbit/hello-web',
				newTag: `sha256-${ 'a'.repeat( 64 ) }`,
			},
		] );
	} );

	it( 'has no service when the image exposes no port', () => {
		const files = renderKustomization(
			app,
			{ ...facts, exposedPorts: [] },
			'sha256-x'
		);
		expect( files[ 'service.yaml' ] ).toBeUndefined();
		expect(
			parse( files[ 'kustomization.yaml' ] ?? '' ).resources
		).toEqual( [ 'deployment.yaml' ] );
	} );
} );
