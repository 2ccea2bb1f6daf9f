import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { deployInputsSchema } from '../../src/deploy/inputs.js';
import { containerPorts, renderAppFiles } from '../../src/deploy/manifests.js';
import { PermanentJobError } from '../../src/jobs/errors.js';
import { imageTag, renderKustomization } from '../../src/jobs/kustomization.js';
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
	deployInputs: { env: { GREETING: 'hi' } },
};

const containerOf = ( files: Record< string, string > ) =>
	parse( files[ 'deployment.yaml' ] ?? '' ).spec.template.spec
		.containers[ 0 ];

describe( 'the ports of a container', () => {
	it( 'are the exposed ports with their protocol when the person named none', () => {
		expect( containerPorts( {}, [ '8080/tcp', '53/udp' ] ) ).toEqual( [
			{ port: 8080, protocol: 'TCP' },
			{ port: 53, protocol: 'UDP' },
		] );
	} );

	it( 'are the one the person entered otherwise', () => {
		expect(
			containerPorts( { containerPort: 9000 }, [ '8080/tcp' ] )
		).toEqual( [ { port: 9000, protocol: 'TCP' } ] );
	} );
} );

describe( 'the Kustomize base of an uploaded app', () => {
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
		const container = containerOf( files );
		expect( container.image ).toBe( 'hello-web' );
		expect( container.ports ).toEqual( [
			{ name: 'tcp-8080', containerPort: 8080, protocol: 'TCP' },
			{ name: 'udp-53', containerPort: 53, protocol: 'UDP' },
		] );
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

	it( 'keeps the replicas, resources and port the person entered', () => {
		const files = renderKustomization(
			{
				...app,
				deployInputs: {
					replicas: 3,
					containerPort: 9000,
					resources: {
						requests: { cpu: '100m', memory: '64Mi' },
						limits: { cpu: '1', memory: '256Mi' },
					},
				},
			},
			facts,
			'sha256-x'
		);
		expect( parse( files[ 'deployment.yaml' ] ?? '' ).spec.replicas ).toBe(
			3
		);
		const container = containerOf( files );
		expect( container.resources ).toEqual( {
			requests: { cpu: '100m', memory: '64Mi' },
			limits: { cpu: '1', memory: '256Mi' },
		} );
		expect( container.ports ).toEqual( [
			{ name: 'tcp-9000', containerPort: 9000, protocol: 'TCP' },
		] );
		expect( container.readinessProbe.tcpSocket.port ).toBe( 9000 );
		expect(
			parse( files[ 'service.yaml' ] ?? '' ).spec.ports[ 0 ].port
		).toBe( 9000 );
	} );

	it( 'refuses inputs Kubernetes would refuse, naming the field', () => {
		expect( () =>
			renderKustomization(
				{
					...app,
					deployInputs: {
						resources: {
							requests: { memory: '1Gi' },
							limits: { memory: '512Mi' },
						},
					},
				},
				facts,
				'sha256-x'
			)
		).toThrow( PermanentJobError );
		expect( () =>
			renderKustomization(
				{ ...app, deployInputs: { env: { '1BAD': 'x' } } },
				facts,
				'sha256-x'
			)
		).toThrow( /env\.0\.name/ );
	} );

	it( 'has no service and no probes when the image exposes no port', () => {
		const files = renderKustomization(
			app,
			{ ...facts, exposedPorts: [] },
			'sha256-x'
		);
		expect( files[ 'service.yaml' ] ).toBeUndefined();
		expect( containerOf( files ).readinessProbe ).toBeUndefined();
		expect(
			parse( files[ 'kustomization.yaml' ] ?? '' ).resources
		).toEqual( [ 'deployment.yaml' ] );
	} );
} );

describe( 'the files of a deploy', () => {
	it( 'pin the image by digest in the environment namespace, with the labels and the command', () => {
		const image = `127.0.0.1:5000/dev/hello-web@sha256:${ 'b'.repeat( 64 ) }`;
		const files = renderAppFiles( {
			app: 'hello-web',
			version: '1.0.0',
			environment: 'dev',
			namespace: 'orbit-dev',
			image,
			inputs: deployInputsSchema.parse( {
				replicas: 2,
				env: [ { name: 'A', value: '1' } ],
				command: [ '/bin/httpd' ],
				args: [ '-f', '-p', '8080' ],
			} ),
			exposedPorts: [ '8080/tcp' ],
		} );
		const deployment = parse( files[ 'deployment.yaml' ] ?? '' );
		expect( deployment.metadata ).toEqual( {
			name: 'hello-web',
			namespace: 'orbit-dev',
			labels: {
				'app.kubernetes.io/name': 'hello-web',
				'app.kubernetes.io/version': '1.0.0',
				'app.kubernetes.io/managed-by': 'k8or-orbit',
			},
		} );
		const container = containerOf( files );
		expect( container ).toMatchObject( {
			image,
			command: [ '/bin/httpd' ],
			args: [ '-f', '-p', '8080' ],
			env: [ { name: 'A', value: '1' } ],
			livenessProbe: { tcpSocket: { port: 8080 } },
		} );
		expect( parse( files[ 'service.yaml' ] ?? '' ).spec.type ).toBe(
			'ClusterIP'
		);
		expect( parse( files[ 'kustomization.yaml' ] ?? '' ) ).toMatchObject( {
			namespace: 'orbit-dev',
			resources: [ 'deployment.yaml', 'service.yaml' ],
		} );
	} );
} );
