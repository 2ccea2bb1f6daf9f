/**
 * Renders Orbit's kustomize trees with a real kustomize and gives tests typed access to the
 * objects: lookups by kind and name, pod templates, and the environment a container really
 * gets once its ConfigMaps and Secrets are resolved.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify( execFile );

export const repoRoot = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'..',
	'..'
);
export const kustomizeRoot = path.join( repoRoot, 'kustomize' );

// A minimal structural view of what the tests read; kubernetes-models validates the full shape.
export interface KubeObject {
	apiVersion: string;
	kind: string;
	metadata: {
		name: string;
		namespace?: string;
		labels?: Record< string, string >;
		annotations?: Record< string, string >;
	};
	spec?: any;
	data?: Record< string, string >;
}

export interface Container {
	name: string;
	image: string;
	command?: string[];
	ports?: { name?: string; containerPort: number }[];
	env?: EnvVar[];
	envFrom?: {
		configMapRef?: { name: string; optional?: boolean };
		secretRef?: { name: string; optional?: boolean };
	}[];
	securityContext?: SecurityContext;
	readinessProbe?: Probe;
	livenessProbe?: Probe;
	volumeMounts?: { name: string; mountPath: string }[];
}

interface EnvVar {
	name: string;
	value?: string;
	valueFrom?: {
		secretKeyRef?: { name: string; key: string };
		configMapKeyRef?: { name: string; key: string };
		fieldRef?: { fieldPath: string };
	};
}

export interface SecurityContext {
	runAsNonRoot?: boolean;
	runAsUser?: number;
	allowPrivilegeEscalation?: boolean;
	readOnlyRootFilesystem?: boolean;
	capabilities?: { drop?: string[] };
}

export interface Probe {
	httpGet?: { path: string; port: number | string };
}

export interface PodSpec {
	serviceAccountName?: string;
	securityContext?: SecurityContext;
	terminationGracePeriodSeconds?: number;
	containers: Container[];
	initContainers?: Container[];
	volumes?: { name: string; secret?: { secretName: string } }[];
}

/** Where a container's variable comes from, after following envFrom and valueFrom. */
export type EnvSource =
	| { from: 'literal'; value: string }
	| { from: 'configMap'; configMap: string; value: string }
	| { from: 'secret'; secret: string; key: string; rendered: boolean }
	| { from: 'field'; fieldPath: string };

/**
 * The kustomize to use: $ORBIT_KUSTOMIZE, else `kubectl kustomize`, else `kustomize`, the
 * first one found on PATH.
 */
function kustomizeCommand(): { file: string; args: string[] } {
	const explicit = process.env.ORBIT_KUSTOMIZE;
	if ( explicit ) {
		return { file: explicit, args: [ 'build' ] };
	}
	const onPath = ( name: string ) =>
		( process.env.PATH ?? '' )
			.split( path.delimiter )
			.some( ( dir ) => dir && existsSync( path.join( dir, name ) ) );
	if ( onPath( 'kubectl' ) ) {
		return { file: 'kubectl', args: [ 'kustomize' ] };
	}
	if ( onPath( 'kustomize' ) ) {
		return { file: 'kustomize', args: [ 'build' ] };
	}
	throw new Error(
		'Rendering the manifests needs kustomize v4.5 or later: install kubectl (it embeds kustomize) ' +
			'or the kustomize binary from https://github.com/kubernetes-sigs/kustomize/releases, ' +
			'or point ORBIT_KUSTOMIZE at one.'
	);
}

export class Rendered {
	constructor(
		readonly objects: KubeObject[],
		/** The YAML kustomize printed, as a person would read it. */
		readonly text = ''
	) {}

	ofKind( kind: string ): KubeObject[] {
		return this.objects.filter( ( object ) => object.kind === kind );
	}

	find( kind: string, name: string ): KubeObject | undefined {
		return this.objects.find(
			( object ) => object.kind === kind && object.metadata.name === name
		);
	}

	get( kind: string, name: string ): KubeObject {
		const object = this.find( kind, name );
		if ( ! object ) {
			throw new Error(
				`${ kind } ${ name } is not in the rendered manifests`
			);
		}
		return object;
	}

	/**
	 * A ConfigMap or Secret by its name before kustomize appended the content hash
	 * (orbit-link → orbit-link-6dk27d9477).
	 */
	generated(
		kind: 'ConfigMap' | 'Secret',
		baseName: string
	): KubeObject | undefined {
		return this.ofKind( kind ).find(
			( object ) =>
				object.metadata.name === baseName ||
				new RegExp( `^${ baseName }-[a-z0-9]{10}$` ).test(
					object.metadata.name
				)
		);
	}

	/** The workload (Deployment or StatefulSet) whose pods carry app.kubernetes.io/name=appName. */
	workload( appName: string ): KubeObject {
		const found = this.objects.filter(
			( object ) =>
				( object.kind === 'Deployment' ||
					object.kind === 'StatefulSet' ) &&
				object.spec?.template?.metadata?.labels?.[
					'app.kubernetes.io/name'
				] === appName
		);
		if ( found.length !== 1 ) {
			throw new Error(
				`expected one workload for ${ appName }, found ${ found.length }`
			);
		}
		return found[ 0 ]!;
	}

	podSpec( appName: string ): PodSpec {
		return this.workload( appName ).spec.template.spec as PodSpec;
	}

	container( appName: string, containerName = appName ): Container {
		const container = this.podSpec( appName ).containers.find(
			( candidate ) => candidate.name === containerName
		);
		if ( ! container ) {
			throw new Error(
				`workload ${ appName } has no container ${ containerName }`
			);
		}
		return container;
	}

	/** Every variable the container receives, with its source; explicit env wins over envFrom. */
	environment( container: Container ): Map< string, EnvSource > {
		const resolved = new Map< string, EnvSource >();
		for ( const source of container.envFrom ?? [] ) {
			if ( source.configMapRef ) {
				const configMap = this.find(
					'ConfigMap',
					source.configMapRef.name
				);
				if ( ! configMap && ! source.configMapRef.optional ) {
					throw new Error(
						`${ container.name } reads ConfigMap ${ source.configMapRef.name }, which is not rendered`
					);
				}
				for ( const [ name, value ] of Object.entries(
					configMap?.data ?? {}
				) ) {
					resolved.set( name, {
						from: 'configMap',
						configMap: source.configMapRef.name,
						value,
					} );
				}
			}
			if ( source.secretRef ) {
				const secret = this.find( 'Secret', source.secretRef.name );
				for ( const key of Object.keys( secret?.data ?? {} ) ) {
					resolved.set( key, {
						from: 'secret',
						secret: source.secretRef.name,
						key,
						rendered: true,
					} );
				}
			}
		}
		for ( const variable of container.env ?? [] ) {
			const { valueFrom } = variable;
			if ( valueFrom?.secretKeyRef ) {
				const { name, key } = valueFrom.secretKeyRef;
				resolved.set( variable.name, {
					from: 'secret',
					secret: name,
					key,
					rendered: Boolean( this.find( 'Secret', name ) ),
				} );
			} else if ( valueFrom?.configMapKeyRef ) {
				const { name, key } = valueFrom.configMapKeyRef;
				const value = this.find( 'ConfigMap', name )?.data?.[ key ];
				if ( value === undefined ) {
					throw new Error(
						`${ container.name } reads ${ key } from ConfigMap ${ name }, which does not hold it`
					);
				}
				resolved.set( variable.name, {
					from: 'configMap',
					configMap: name,
					value,
				} );
			} else if ( valueFrom?.fieldRef ) {
				resolved.set( variable.name, {
					from: 'field',
					fieldPath: valueFrom.fieldRef.fieldPath,
				} );
			} else {
				resolved.set( variable.name, {
					from: 'literal',
					value: variable.value ?? '',
				} );
			}
		}
		return resolved;
	}

	/** A plain value of the container's environment (literal or ConfigMap), or undefined. */
	plainValue( container: Container, name: string ): string | undefined {
		const source = this.environment( container ).get( name );
		return source &&
			( source.from === 'literal' || source.from === 'configMap' )
			? source.value
			: undefined;
	}

	/** The decoded value of a rendered Secret's key. */
	secretValue( secretName: string, key: string ): string | undefined {
		const encoded = this.find( 'Secret', secretName )?.data?.[ key ];
		return encoded === undefined
			? undefined
			: Buffer.from( encoded, 'base64' ).toString( 'utf8' );
	}
}

/** Renders a kustomization directory (relative to kustomize/) and parses every document. */
export async function render( directory: string ): Promise< Rendered > {
	const { file, args } = kustomizeCommand();
	const { stdout } = await run(
		file,
		[ ...args, path.join( kustomizeRoot, directory ) ],
		{
			timeout: 60_000,
			maxBuffer: 16 * 1024 * 1024,
		}
	);
	const objects = parseAllDocuments( stdout ).map( ( document ) => {
		if ( document.errors.length > 0 ) {
			throw new Error(
				`kustomize printed YAML that does not parse: ${ document.errors[ 0 ]!.message }`
			);
		}
		return document.toJS() as KubeObject;
	} );
	return new Rendered( objects.filter( Boolean ), stdout );
}

/**
 * Validates an object against the OpenAPI schema of its kind (kubernetes-models, or its
 * Argo CD package for argoproj.io); throws with the schema's complaint.
 */
export async function validate( object: KubeObject ): Promise< void > {
	const specifier = object.apiVersion.startsWith( 'argoproj.io/' )
		? `@kubernetes-models/argo-cd/${ object.apiVersion }`
		: `kubernetes-models/${ object.apiVersion }`;
	const module = await import( /* @vite-ignore */ specifier );
	const Model = module[ object.kind ];
	if ( typeof Model !== 'function' ) {
		throw new Error(
			`no schema for ${ object.apiVersion } ${ object.kind }`
		);
	}
	new Model( object ).validate();
}

/** The port number a probe or Service names, looked up in the container's ports. */
export function containerPort(
	container: Container,
	port: number | string
): number | undefined {
	if ( typeof port === 'number' ) {
		return port;
	}
	return container.ports?.find( ( candidate ) => candidate.name === port )
		?.containerPort;
}
