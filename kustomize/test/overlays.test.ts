/**
 * Renders every overlay with a real kustomize and checks what an operator would run into:
 * objects the API server would reject, probes on the wrong path, a root container, a single
 * bridge replica in prod, floating image tags, a bridge missing configuration the contract
 * requires, WordPress and the bridge disagreeing on a secret, and network paths left open.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../rest-bridge/src/config.js';
import { generateNatsAuthKeys } from '../../rest-bridge/src/nats-auth/server-auth.js';
import { bridgeVariables, wordpressSettings } from './contract';
import {
	containerPort,
	render,
	validate,
	type Container,
	type KubeObject,
	type PodSpec,
	type Rendered,
	kustomizeRoot,
	repoRoot,
} from './manifests';

const overlays = [ 'dev', 'test', 'prod' ] as const;
const digestPinned = /@sha256:[0-9a-f]{64}$/;
const ingressControllerNamespace = 'ingress-nginx';

const rendered = new Map< string, Rendered >();

/** The example values the signing rule refuses (shared by WordPress and the bridge). */
function publishedExampleSecrets(): string[] {
	return (
		JSON.parse(
			readFileSync(
				path.join(
					repoRoot,
					'plugin/k8or-orbit/shared/published-example-secrets.json'
				),
				'utf8'
			)
		) as { values: string[] }
	 ).values;
}

beforeAll( async () => {
	for ( const name of overlays ) {
		rendered.set( name, await render( `overlays/${ name }` ) );
	}
} );

function overlay( name: string ): Rendered {
	const manifests = rendered.get( name );
	if ( ! manifests ) {
		throw new Error( `overlay ${ name } was not rendered` );
	}
	return manifests;
}

function podTemplates(
	manifests: Rendered
): { workload: KubeObject; spec: PodSpec }[] {
	return manifests.objects
		.filter(
			( object ) =>
				object.kind === 'Deployment' || object.kind === 'StatefulSet'
		)
		.map( ( workload ) => ( {
			workload,
			spec: workload.spec.template.spec as PodSpec,
		} ) );
}

function allContainers( spec: PodSpec ): Container[] {
	return [ ...( spec.initContainers ?? [] ), ...spec.containers ];
}

interface AllowedSources {
	anyone: boolean;
	pods: string[];
	namespaces: string[];
}

/**
 * Who may open a connection to the pods of `appName` on `port`, summed over every
 * NetworkPolicy selecting them (in-namespace pods by app name, other namespaces by name).
 */
function allowedSources(
	manifests: Rendered,
	appName: string,
	port: number
): AllowedSources {
	const podLabels = manifests.workload( appName ).spec.template.metadata
		.labels as Record< string, string >;
	const sources: AllowedSources = { anyone: false, pods: [], namespaces: [] };
	for ( const policy of manifests.ofKind( 'NetworkPolicy' ) ) {
		const selector = ( policy.spec.podSelector.matchLabels ??
			{} ) as Record< string, string >;
		if (
			! Object.entries( selector ).every(
				( [ key, value ] ) => podLabels[ key ] === value
			)
		) {
			continue;
		}
		for ( const rule of policy.spec.ingress ?? [] ) {
			const ports = ( rule.ports ?? [] ) as { port?: number }[];
			if (
				ports.length > 0 &&
				! ports.some( ( candidate ) => candidate.port === port )
			) {
				continue;
			}
			const peers = ( rule.from ?? [] ) as any[];
			if ( peers.length === 0 ) {
				sources.anyone = true;
			}
			for ( const peer of peers ) {
				if ( peer.ipBlock ) {
					sources.anyone = true;
				} else if ( peer.namespaceSelector ) {
					sources.namespaces.push(
						peer.namespaceSelector.matchLabels?.[
							'kubernetes.io/metadata.name'
						] ?? '*'
					);
				} else {
					sources.pods.push(
						peer.podSelector.matchLabels?.[
							'app.kubernetes.io/name'
						] ?? '*'
					);
				}
			}
		}
	}
	return sources;
}

describe.each( overlays )( 'overlay %s', ( name ) => {
	it( 'renders objects that each validate against their Kubernetes schema, all in the overlay namespace', async () => {
		const manifests = overlay( name );
		expect( manifests.objects.length ).toBeGreaterThan( 10 );
		for ( const object of manifests.objects ) {
			const where = `${ object.kind } ${ object.metadata.name }`;
			await expect( validate( object ), where ).resolves.toBeUndefined();
			expect( object.metadata.namespace, where ).toBe(
				`orbit-${ name }`
			);
			expect(
				object.metadata.labels?.[ 'app.kubernetes.io/part-of' ],
				where
			).toBe( 'k8or-orbit' );
		}
	} );

	it( 'probes the bridge on /readyz and /healthz at the port it listens on', () => {
		const manifests = overlay( name );
		const bridge = manifests.container( 'rest-bridge' );
		const listensOn = Number(
			manifests.plainValue( bridge, 'ORBIT_BRIDGE_PORT' )
		);
		expect( bridge.readinessProbe?.httpGet?.path ).toBe( '/readyz' );
		expect( bridge.livenessProbe?.httpGet?.path ).toBe( '/healthz' );
		expect(
			containerPort( bridge, bridge.readinessProbe!.httpGet!.port )
		).toBe( listensOn );
		expect(
			containerPort( bridge, bridge.livenessProbe!.httpGet!.port )
		).toBe( listensOn );
		// The default 127.0.0.1 would leave the pod unreachable from its Service.
		expect( manifests.plainValue( bridge, 'ORBIT_BRIDGE_HOST' ) ).toBe(
			'0.0.0.0'
		);
		expect(
			manifests.podSpec( 'rest-bridge' ).terminationGracePeriodSeconds
		).toBeGreaterThanOrEqual( 30 );
	} );

	it( 'runs no container as root, none can gain privileges, and the bridge file system is read-only', () => {
		const manifests = overlay( name );
		const templates = podTemplates( manifests );
		expect( templates.length ).toBeGreaterThanOrEqual( 3 );
		for ( const { workload, spec } of templates ) {
			for ( const container of allContainers( spec ) ) {
				const where = `${ workload.metadata.name }/${ container.name }`;
				const effective = {
					...spec.securityContext,
					...container.securityContext,
				};
				expect( effective.runAsNonRoot, where ).toBe( true );
				expect( effective.runAsUser, where ).toBeGreaterThan( 0 );
				expect( effective.allowPrivilegeEscalation, where ).toBe(
					false
				);
				expect( effective.capabilities?.drop, where ).toContain(
					'ALL'
				);
			}
		}
		for ( const container of allContainers(
			manifests.podSpec( 'rest-bridge' )
		) ) {
			expect(
				container.securityContext?.readOnlyRootFilesystem,
				container.name
			).toBe( true );
		}
	} );

	it( 'gives the bridge every variable the contract requires, and only variables it knows', () => {
		const manifests = overlay( name );
		const contract = bridgeVariables();
		const documented = new Set(
			contract.map( ( variable ) => variable.name )
		);
		for ( const container of allContainers(
			manifests.podSpec( 'rest-bridge' )
		) ) {
			const environment = manifests.environment( container );
			for ( const variable of contract.filter(
				( candidate ) => candidate.required
			) ) {
				expect(
					environment.has( variable.name ),
					`${ container.name } lacks ${ variable.name }`
				).toBe( true );
			}
			// In a cluster the local defaults (NATS on 127.0.0.1, no password) cannot work.
			for ( const needed of [
				'ORBIT_NATS_URL',
				'ORBIT_NATS_ACCOUNT_SEED',
			] ) {
				expect(
					environment.has( needed ),
					`${ container.name } lacks ${ needed }`
				).toBe( true );
			}
			for ( const variable of environment.keys() ) {
				if ( variable.startsWith( 'ORBIT_' ) ) {
					expect(
						documented.has( variable ),
						`${ variable } is not in the contract`
					).toBe( true );
				}
			}
			expect( environment.get( 'ORBIT_BRIDGE_SECRET' ) ).toMatchObject( {
				from: 'secret',
			} );
			expect(
				environment.get( 'ORBIT_NATS_ACCOUNT_SEED' )
			).toMatchObject( {
				from: 'secret',
			} );
			// Real AWS: no endpoint overrides, path-style addressing left at its default.
			for ( const absent of [
				'ORBIT_S3_ENDPOINT',
				'ORBIT_DYNAMODB_ENDPOINT',
				'ORBIT_S3_FORCE_PATH_STYLE',
			] ) {
				expect( environment.has( absent ), `${ absent } is set` ).toBe(
					false
				);
			}
		}
	} );

	it( 'points WordPress and the bridge at each other, with the same signing secret', () => {
		const manifests = overlay( name );
		const bridge = manifests.container( 'rest-bridge' );
		const wordpress = manifests.container( 'wordpress' );
		const bridgeService = manifests.get( 'Service', 'orbit-rest-bridge' );
		const wordpressService = manifests.get( 'Service', 'orbit-wordpress' );

		const bridgeUrl = new URL(
			manifests.plainValue( wordpress, 'K8OR_ORBIT_BRIDGE_URL' )!
		);
		expect( bridgeUrl.hostname ).toBe( bridgeService.metadata.name );
		expect( Number( bridgeUrl.port ) ).toBe(
			bridgeService.spec.ports[ 0 ].port
		);
		expect(
			containerPort( bridge, bridgeService.spec.ports[ 0 ].targetPort )
		).toBe( Number( manifests.plainValue( bridge, 'ORBIT_BRIDGE_PORT' ) ) );

		const wordpressUrl = new URL(
			manifests.plainValue( bridge, 'ORBIT_WORDPRESS_URL' )!
		);
		expect( wordpressUrl.hostname ).toBe( wordpressService.metadata.name );
		expect( Number( wordpressUrl.port || 80 ) ).toBe(
			wordpressService.spec.ports[ 0 ].port
		);

		const bridgeSide = manifests
			.environment( bridge )
			.get( 'ORBIT_BRIDGE_SECRET' );
		const wordpressSide = manifests
			.environment( wordpress )
			.get( 'K8OR_ORBIT_BRIDGE_SECRET' );
		expect( wordpressSide ).toEqual( bridgeSide );
	} );

	it( 'gives the bridge an environment its own configuration loader accepts', () => {
		const manifests = overlay( name );
		for ( const container of allContainers(
			manifests.podSpec( 'rest-bridge' )
		) ) {
			const environment: Record< string, string > = {};
			for ( const [ variable, source ] of manifests.environment(
				container
			) ) {
				if (
					source.from === 'literal' ||
					source.from === 'configMap'
				) {
					environment[ variable ] = source.value;
				} else if ( source.from === 'secret' ) {
					// Secrets are created in the cluster: stand in a value of the required shape.
					environment[ variable ] =
						source.key === 'account-seed'
							? generateNatsAuthKeys().accountSeed
							: `${ source.key }-stand-in-value-of-forty-characters`;
				}
			}
			const config = loadConfig( environment );
			expect( config.host ).toBe( '0.0.0.0' );
			expect( config.nats.accountSeed ).toMatch( /^SA/ );
			expect( config.s3.endpoint ).toBeUndefined();
			expect( config.dynamodb.endpoint ).toBeUndefined();
			expect( config.trivy.path ).toBe( '/usr/local/bin/trivy' );
		}
	} );

	it( 'gives WordPress every Orbit setting the contract names, secrets from Secrets', () => {
		const manifests = overlay( name );
		const environment = manifests.environment(
			manifests.container( 'wordpress' )
		);
		for ( const setting of wordpressSettings() ) {
			expect(
				environment.has( setting ),
				`WordPress lacks ${ setting }`
			).toBe( true );
			if ( /SECRET|PASSWORD/.test( setting ) ) {
				expect( environment.get( setting ), setting ).toMatchObject( {
					from: 'secret',
				} );
			}
		}
	} );

	it( 'gives NATS and the bridge one account: the server’s operator-mode file and the bridge’s seed from one Secret', () => {
		const manifests = overlay( name );
		const bridge = manifests.environment(
			manifests.container( 'rest-bridge' )
		);
		const natsUrl = new URL(
			manifests.plainValue(
				manifests.container( 'rest-bridge' ),
				'ORBIT_NATS_URL'
			)!
		);
		const natsService = manifests.get( 'Service', 'orbit-nats' );
		expect( natsUrl.hostname ).toBe( natsService.metadata.name );
		const clientPort = natsService.spec.ports.find(
			( port: { name: string } ) => port.name === 'client'
		);
		expect( Number( natsUrl.port ) ).toBe( clientPort.port );

		const seed = bridge.get( 'ORBIT_NATS_ACCOUNT_SEED' );
		expect( seed ).toMatchObject( { from: 'secret', key: 'account-seed' } );
		const spec = manifests.podSpec( 'nats' );
		const mount = manifests
			.container( 'nats' )
			.volumeMounts?.find( ( candidate ) => candidate.name === 'auth' );
		const volume = ( spec.volumes ?? [] ).find(
			( candidate: { name: string } ) => candidate.name === 'auth'
		) as { secret?: { secretName: string } } | undefined;
		expect( volume?.secret?.secretName ).toBe(
			seed?.from === 'secret' ? seed.secret : 'none'
		);
		// nats.conf includes the file relative to its own folder, /etc/nats.
		const natsConf = manifests
			.ofKind( 'ConfigMap' )
			.find( ( map ) => map.data?.[ 'nats.conf' ] !== undefined )!.data![
			'nats.conf'
		]!;
		expect( natsConf ).toMatch( /^include \.\.\/nats-auth\/auth\.conf$/m );
		expect( mount?.mountPath ).toBe( '/etc/nats-auth' );
		expect( natsConf ).not.toMatch( /password/i );

		// WordPress holds no NATS credential at all: browsers get theirs per user from /live.
		const wordpress = manifests.environment(
			manifests.container( 'wordpress' )
		);
		expect(
			[ ...wordpress.keys() ].filter( ( key ) =>
				key.startsWith( 'K8OR_ORBIT_NATS_LIVE' )
			)
		).toEqual( [] );
	} );

	it( 'publishes WordPress and the NATS websocket on one host, matching the URL WordPress gives browsers', () => {
		const manifests = overlay( name );
		const websocketUrl = new URL(
			manifests.plainValue(
				manifests.container( 'wordpress' ),
				'K8OR_ORBIT_NATS_WEBSOCKET_URL'
			)!
		);
		expect( websocketUrl.protocol ).toBe( 'wss:' );

		const site = manifests.get( 'Ingress', 'orbit-wordpress' );
		const live = manifests.get( 'Ingress', 'orbit-nats-websocket' );
		for ( const ingress of [ site, live ] ) {
			expect( ingress.spec.rules[ 0 ].host ).toBe(
				websocketUrl.hostname
			);
			expect( ingress.spec.tls[ 0 ].hosts ).toContain(
				websocketUrl.hostname
			);
		}
		expect( site.spec.rules[ 0 ].host ).toBe(
			name === 'prod'
				? 'orbit.example.com'
				: `orbit-${ name }.example.com`
		);

		const livePath = live.spec.rules[ 0 ].http.paths[ 0 ];
		expect( livePath.path ).toBe( websocketUrl.pathname );
		const natsService = manifests.get(
			'Service',
			livePath.backend.service.name
		);
		const servicePort = natsService.spec.ports.find(
			( port: { name: string } ) =>
				port.name === livePath.backend.service.port.name
		);
		const nats = manifests.container( 'nats' );
		expect( containerPort( nats, servicePort.targetPort ) ).toBe(
			containerPort( nats, 'websocket' )
		);
	} );

	it( 'lets only WordPress reach the bridge, and only the ingress controller reach the websocket', () => {
		const manifests = overlay( name );
		const defaultDeny = manifests
			.ofKind( 'NetworkPolicy' )
			.find(
				( policy ) =>
					Object.keys( policy.spec.podSelector ).length === 0 &&
					! policy.spec.ingress
			);
		expect( defaultDeny?.spec.policyTypes ).toEqual( [ 'Ingress' ] );

		const bridgePort = containerPort(
			manifests.container( 'rest-bridge' ),
			'http'
		)!;
		expect(
			allowedSources( manifests, 'rest-bridge', bridgePort )
		).toEqual( {
			anyone: false,
			pods: [ 'wordpress' ],
			namespaces: [],
		} );

		const nats = manifests.container( 'nats' );
		expect(
			allowedSources(
				manifests,
				'nats',
				containerPort( nats, 'client' )!
			)
		).toEqual( {
			anyone: false,
			pods: [ 'rest-bridge' ],
			namespaces: [],
		} );
		expect(
			allowedSources(
				manifests,
				'nats',
				containerPort( nats, 'websocket' )!
			)
		).toEqual( {
			anyone: false,
			pods: [],
			namespaces: [ ingressControllerNamespace ],
		} );
		expect(
			allowedSources(
				manifests,
				'wordpress',
				containerPort( manifests.container( 'wordpress' ), 'http' )!
			)
		).toEqual( {
			anyone: false,
			pods: [ 'rest-bridge' ],
			namespaces: [ ingressControllerNamespace ],
		} );
	} );

	it( 'keeps the bridge available through rollouts and node drains', () => {
		const manifests = overlay( name );
		const bridge = manifests.workload( 'rest-bridge' );
		expect( bridge.spec.replicas ).toBeGreaterThanOrEqual( 2 );
		expect( bridge.spec.strategy.rollingUpdate.maxUnavailable ).toBe( 0 );
		const budget = manifests
			.ofKind( 'PodDisruptionBudget' )
			.find(
				( candidate ) =>
					candidate.spec.selector.matchLabels[
						'app.kubernetes.io/name'
					] === 'rest-bridge'
			);
		expect( budget?.spec.maxUnavailable ).toBe( 1 );
	} );

	it( 'selects pods with every Service and names only ports the containers have', () => {
		const manifests = overlay( name );
		for ( const service of manifests.ofKind( 'Service' ) ) {
			const appName = service.spec.selector[ 'app.kubernetes.io/name' ];
			const spec = manifests.podSpec( appName );
			for ( const port of service.spec.ports ) {
				const served = spec.containers.some(
					( container ) =>
						containerPort( container, port.targetPort ) !==
						undefined
				);
				expect(
					served,
					`${ service.metadata.name } port ${ port.name }`
				).toBe( true );
			}
		}
	} );
} );

describe( 'overlays side by side', () => {
	it( 'pins every prod image by digest, and Orbit’s own images by digest everywhere', () => {
		for ( const name of overlays ) {
			for ( const { spec } of podTemplates( overlay( name ) ) ) {
				for ( const container of allContainers( spec ) ) {
					if (
						name === 'prod' ||
						/\/orbit\//.test( container.image )
					) {
						expect(
							container.image,
							`${ name }: ${ container.name }`
						).toMatch( digestPinned );
					}
				}
			}
		}
	} );

	it( 'runs prod with several bridges, WordPress replicas on a shared volume and a NATS cluster of three', () => {
		const prod = overlay( 'prod' );
		expect(
			prod.workload( 'rest-bridge' ).spec.replicas
		).toBeGreaterThanOrEqual( 2 );
		expect(
			prod.workload( 'wordpress' ).spec.replicas
		).toBeGreaterThanOrEqual( 2 );
		expect(
			prod.get( 'PersistentVolumeClaim', 'orbit-wordpress-uploads' ).spec
				.accessModes
		).toEqual( [ 'ReadWriteMany' ] );

		const nats = prod.workload( 'nats' );
		expect( nats.spec.replicas ).toBe( 3 );
		const config = prod
			.ofKind( 'ConfigMap' )
			.find( ( map ) => map.data?.[ 'cluster.conf' ] !== undefined )!;
		const routes = [
			...config.data![ 'cluster.conf' ]!.matchAll(
				/nats:\/\/([a-z0-9-]+)\.([a-z0-9-]+):6222/g
			),
		];
		expect( routes.map( ( route ) => route[ 1 ] ) ).toEqual(
			[ 0, 1, 2 ].map(
				( ordinal ) => `${ nats.metadata.name }-${ ordinal }`
			)
		);
		for ( const route of routes ) {
			expect( route[ 2 ] ).toBe( nats.spec.serviceName );
		}
		expect(
			prod.get( 'Service', nats.spec.serviceName ).spec.clusterIP
		).toBe( 'None' );
	} );

	it( 'gets AWS credentials in prod from the IAM role of the service account', () => {
		const prod = overlay( 'prod' );
		const spec = prod.podSpec( 'rest-bridge' );
		const account = prod.get( 'ServiceAccount', spec.serviceAccountName! );
		expect(
			account.metadata.annotations?.[ 'eks.amazonaws.com/role-arn' ]
		).toMatch( /^arn:aws:iam::\d{12}:role\/.+/ );
		for ( const container of allContainers( spec ) ) {
			expect( [ ...prod.environment( container ).keys() ] ).not.toContain(
				'AWS_ACCESS_KEY_ID'
			);
		}
		// WordPress's database is the managed one named in the Secret, not an in-cluster MariaDB.
		expect(
			prod.ofKind( 'StatefulSet' ).map( ( set ) => set.metadata.name )
		).toEqual( [ 'orbit-nats' ] );
		expect(
			prod
				.environment( prod.container( 'wordpress' ) )
				.get( 'WORDPRESS_DB_HOST' )
		).toMatchObject( { from: 'secret' } );
	} );

	it( 'carries no usable secret in any overlay: no Secret, no example value, every reference one the README has you create', () => {
		const examples = publishedExampleSecrets();
		const readme = readFileSync(
			path.join( kustomizeRoot, 'README.md' ),
			'utf8'
		);
		for ( const name of overlays ) {
			const manifests = overlay( name );
			expect( manifests.ofKind( 'Secret' ), name ).toEqual( [] );
			for ( const value of examples ) {
				expect(
					manifests.text,
					`${ name } renders ${ value }`
				).not.toContain( value );
			}
			for ( const { workload, spec } of podTemplates( manifests ) ) {
				for ( const container of allContainers( spec ) ) {
					for ( const [ variable, source ] of manifests.environment(
						container
					) ) {
						if ( source.from !== 'secret' ) {
							continue;
						}
						const where = `${ name } ${ workload.metadata.name }/${ container.name } ${ variable }`;
						expect( readme, where ).toContain(
							`create secret generic ${ source.secret }`
						);
						expect( readme, where ).toMatch(
							new RegExp(
								`\\| \`${ source.secret }\` \\|[^\\n]*\`${ source.key }\``
							)
						);
					}
				}
			}
		}
	} );

	it( 'lists every value of the example Secret files among the values WordPress and the bridge refuse', () => {
		const examples = publishedExampleSecrets();
		const directory = path.join( kustomizeRoot, 'secrets' );
		const files = readdirSync( directory ).filter( ( file ) =>
			file.endsWith( '.env.example' )
		);
		expect( files.length ).toBeGreaterThanOrEqual( 3 );
		for ( const file of files ) {
			for ( const line of readFileSync(
				path.join( directory, file ),
				'utf8'
			).split( '\n' ) ) {
				const match = /^[A-Za-z0-9_-]+=(.+)$/.exec( line );
				if (
					match &&
					! [ 'orbit-mariadb', 'wordpress' ].includes( match[ 1 ]! )
				) {
					expect( examples, `${ file }: ${ line }` ).toContain(
						match[ 1 ]
					);
				}
			}
		}
	} );

	it( 'keeps each installation’s buckets and tables apart', () => {
		for ( const variable of [
			'ORBIT_BUCKET_PREFIX',
			'ORBIT_TABLE_PREFIX',
		] ) {
			const prefixes = overlays.map( ( name ) =>
				overlay( name ).plainValue(
					overlay( name ).container( 'rest-bridge' ),
					variable
				)
			);
			expect( new Set( prefixes ).size, variable ).toBe(
				overlays.length
			);
		}
	} );
} );
