import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { stringify } from 'yaml';

import type { DeployInputs } from './inputs.js';

export const MANAGED_BY = 'k8or-orbit';
export const ENVIRONMENT_LABEL = 'orbit.k8or.io/environment';

export interface ContainerPort {
	port: number;
	protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** The ports a container listens on: the one the person entered, else those the image exposes. */
export function containerPorts(
	inputs: Pick< DeployInputs, 'containerPort' >,
	exposedPorts: readonly string[]
): ContainerPort[] {
	if ( inputs.containerPort !== undefined ) {
		return [ { port: inputs.containerPort, protocol: 'TCP' } ];
	}
	return exposedPorts
		.map( ( entry ) => {
			const [ port, protocol = 'tcp' ] = entry.split( '/' );
			return {
				port: Number( port ),
				protocol: protocol.toUpperCase() as ContainerPort[ 'protocol' ],
			};
		} )
		.filter(
			( p ) =>
				Number.isInteger( p.port ) &&
				p.port > 0 &&
				p.port < 65536 &&
				[ 'TCP', 'UDP', 'SCTP' ].includes( p.protocol )
		);
}

export interface WorkloadRequest {
	app: string;
	/** The version deployed (app.kubernetes.io/version), when the image has one. */
	version?: string;
	/** The namespace, when the objects go straight into one. */
	namespace?: string;
	/** The container image: a reference by digest, or a name kustomize's `images` replaces. */
	image: string;
	inputs: DeployInputs;
	/** The image's exposed ports ("8080/tcp"), used when the inputs name no port. */
	exposedPorts: readonly string[];
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
function labelValue( value: string ): string {
	return value
		.replace( /[^A-Za-z0-9._-]+/g, '-' )
		.slice( 0, 63 )
		.replace( /^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '' );
}

/**
 * The app's Deployment and, when it listens on ports, its ClusterIP Service,
 * as validated Kubernetes objects.
 */
export function renderWorkload( request: WorkloadRequest ) {
	const { app, inputs } = request;
	const version = request.version ? labelValue( request.version ) : '';
	const selector = { 'app.kubernetes.io/name': app };
	const labels: Record< string, string > = {
		...selector,
		...( version ? { 'app.kubernetes.io/version': version } : {} ),
		'app.kubernetes.io/managed-by': MANAGED_BY,
	};
	const metadata = {
		name: app,
		...( request.namespace ? { namespace: request.namespace } : {} ),
		labels,
	};
	const ports = containerPorts( inputs, request.exposedPorts );
	const probePort = ports.find( ( p ) => p.protocol === 'TCP' );
	const resources: Record< string, Record< string, string > > = {};
	for ( const kind of [ 'requests', 'limits' ] as const ) {
		const amounts = Object.fromEntries(
			Object.entries( inputs.resources[ kind ] ).filter(
				( entry ): entry is [ string, string ] =>
					entry[ 1 ] !== undefined
			)
		);
		if ( Object.keys( amounts ).length ) {
			resources[ kind ] = amounts;
		}
	}
	const portName = ( p: ContainerPort ) =>
		`${ p.protocol.toLowerCase() }-${ p.port }`;
	const deployment = new Deployment( {
		metadata,
		spec: {
			replicas: inputs.replicas,
			selector: { matchLabels: selector },
			template: {
				metadata: { labels },
				spec: {
					containers: [
						{
							name: app,
							image: request.image,
							...( inputs.command?.length
								? { command: inputs.command }
								: {} ),
							...( inputs.args?.length
								? { args: inputs.args }
								: {} ),
							...( ports.length
								? {
										ports: ports.map( ( p ) => ( {
											name: portName( p ).slice( 0, 15 ),
											containerPort: p.port,
											protocol: p.protocol,
										} ) ),
									}
								: {} ),
							...( inputs.env.length ? { env: inputs.env } : {} ),
							...( Object.keys( resources ).length
								? { resources }
								: {} ),
							...( probePort
								? {
										readinessProbe: {
											tcpSocket: { port: probePort.port },
											initialDelaySeconds: 2,
											periodSeconds: 10,
										},
										livenessProbe: {
											tcpSocket: { port: probePort.port },
											initialDelaySeconds: 10,
											periodSeconds: 20,
											failureThreshold: 3,
										},
									}
								: {} ),
						},
					],
				},
			},
		},
	} );
	deployment.validate();
	let service: Service | undefined;
	if ( ports.length ) {
		service = new Service( {
			metadata,
			spec: {
				type: 'ClusterIP',
				selector,
				ports: ports.map( ( p ) => ( {
					name: portName( p ),
					port: p.port,
					targetPort: p.port,
					protocol: p.protocol,
				} ) ),
			},
		} );
		service.validate();
	}
	return { deployment, service };
}

/** Serialises objects for a file; class instances become plain data first. */
export function toYaml( value: unknown ): string {
	return stringify( JSON.parse( JSON.stringify( value ) ) );
}

/**
 * The files of an app's folder in the GitOps repository: its Deployment, its
 * Service when it listens on ports, and the kustomization listing them in the
 * environment's namespace.
 */
export function renderAppFiles(
	request: WorkloadRequest & { namespace: string; environment: string }
): Record< string, string > {
	const { deployment, service } = renderWorkload( request );
	const files: Record< string, string > = {
		'deployment.yaml': toYaml( deployment ),
	};
	if ( service ) {
		files[ 'service.yaml' ] = toYaml( service );
	}
	files[ 'kustomization.yaml' ] = toYaml( {
		apiVersion: 'kustomize.config.k8s.io/v1beta1',
		kind: 'Kustomization',
		namespace: request.namespace,
		resources: Object.keys( files ),
		labels: [ { pairs: { [ ENVIRONMENT_LABEL ]: request.environment } } ],
	} );
	return files;
}

/** The environment's Namespace object. */
export function renderNamespace(
	namespace: string,
	environment: string
): string {
	const object = new Namespace( {
		metadata: {
			name: namespace,
			labels: {
				'app.kubernetes.io/managed-by': MANAGED_BY,
				[ ENVIRONMENT_LABEL ]: environment,
			},
		},
	} );
	object.validate();
	return toYaml( object );
}
