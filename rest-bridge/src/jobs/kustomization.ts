import { stringify } from 'yaml';
import type { ImageFacts } from '../image/validate-archive.js';
import type { AppDescription } from '../job-model/kinds.js';

/** The container ports an image declares, as numbers with their protocol. */
export function containerPorts( facts: Pick< ImageFacts, 'exposedPorts' > ) {
	return facts.exposedPorts
		.map( ( entry ) => {
			const [ port, protocol = 'tcp' ] = String( entry ).split( '/' );
			return { port: Number( port ), protocol: protocol.toUpperCase() };
		} )
		.filter(
			( p ) => Number.isInteger( p.port ) && p.port > 0 && p.port < 65536
		);
}

/**
 * The Kustomize base of an app: a Deployment running the image and, when the
 * image exposes ports, a Service for them. The image name is the app name;
 * the image is tagged with its config digest (`sha256-<hex>`) when pushed.
 */
export function imageTag( configDigest: string ): string {
	return configDigest.replace( ':', '-' );
}

export function renderKustomization(
	app: AppDescription,
	facts: ImageFacts,
	tag: string
): Record< string, string > {
	const labels = {
		'app.kubernetes.io/name': app.name,
		'app.kubernetes.io/managed-by': 'k8or-orbit',
	};
	const ports = containerPorts( facts );
	const env = Object.entries( app.deployInputs.env ?? {} )
		.filter( ( [ , value ] ) => typeof value === 'string' )
		.map( ( [ name, value ] ) => ( { name, value } ) );
	const deployment = {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: { name: app.name, labels },
		spec: {
			replicas: 1,
			selector: { matchLabels: { 'app.kubernetes.io/name': app.name } },
			template: {
				metadata: { labels },
				spec: {
					containers: [
						{
							name: app.name,
							image: app.name,
							...( ports.length > 0
								? {
										ports: ports.map( ( p ) => ( {
											containerPort: p.port,
											protocol: p.protocol,
										} ) ),
									}
								: {} ),
							...( env.length > 0 ? { env } : {} ),
						},
					],
				},
			},
		},
	};
	const files: Record< string, string > = {
		'deployment.yaml': stringify( deployment ),
	};
	if ( ports.length > 0 ) {
		files[ 'service.yaml' ] = stringify( {
			apiVersion: 'v1',
			kind: 'Service',
			metadata: { name: app.name, labels },
			spec: {
				selector: { 'app.kubernetes.io/name': app.name },
				ports: ports.map( ( p ) => ( {
					name: `${ p.protocol.toLowerCase() }-${ p.port }`,
					port: p.port,
					targetPort: p.port,
					protocol: p.protocol,
				} ) ),
			},
		} );
	}
	files[ 'kustomization.yaml' ] = stringify( {
		apiVersion: 'kustomize.config.k8s.io/v1beta1',
		kind: 'Kustomization',
		resources: Object.keys( files ),
		labels: [ { pairs: { 'orbit.k8or.io/environment': app.environment } } ],
		images: [
			{
				name: app.name,
				newName: `orbit/${ app.name }`,
				newTag: tag,
			},
		],
	} );
	return files;
}
