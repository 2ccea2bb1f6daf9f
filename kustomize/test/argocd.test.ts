/**
 * The Argo CD Applications and their AppProject: each Application must sync an overlay that
 * exists into the namespace that overlay renders for, and the project must allow every kind
 * the overlay contains (otherwise Argo CD refuses the sync).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	kustomizeRoot,
	render,
	repoRoot,
	validate,
	type KubeObject,
	type Rendered,
} from './manifests';

describe( 'Argo CD', () => {
	let argocd: Rendered;
	let project: KubeObject;

	beforeAll( async () => {
		argocd = await render( 'argocd' );
		project = argocd.ofKind( 'AppProject' )[ 0 ]!;
	} );

	it( 'renders one AppProject and an Application per overlay, valid against the Argo CD schemas', async () => {
		expect( argocd.ofKind( 'AppProject' ) ).toHaveLength( 1 );
		const applications = argocd.ofKind( 'Application' );
		expect(
			applications
				.map( ( application ) => application.spec.source.path )
				.sort()
		).toEqual(
			[ 'dev', 'prod', 'test' ].map(
				( overlay ) => `kustomize/overlays/${ overlay }`
			)
		);
		for ( const object of argocd.objects ) {
			await expect(
				validate( object ),
				`${ object.kind } ${ object.metadata.name }`
			).resolves.toBeUndefined();
			expect( object.metadata.namespace ).toBe( 'argocd' );
		}
	} );

	it( 'syncs each overlay into its own namespace, from a repository and destination the project allows', async () => {
		for ( const application of argocd.ofKind( 'Application' ) ) {
			const { source, destination } = application.spec;
			expect( application.spec.project ).toBe( project.metadata.name );
			expect(
				existsSync(
					path.join( repoRoot, source.path, 'kustomization.yaml' )
				),
				source.path
			).toBe( true );
			expect( project.spec.sourceRepos ).toContain( source.repoURL );
			expect( project.spec.destinations ).toContainEqual( {
				server: destination.server,
				namespace: destination.namespace,
			} );

			const overlay = await render(
				path.relative(
					kustomizeRoot,
					path.join( repoRoot, source.path )
				)
			);
			for ( const object of overlay.objects ) {
				expect( object.metadata.namespace ).toBe(
					destination.namespace
				);
				const group = object.apiVersion.includes( '/' )
					? object.apiVersion.split( '/' )[ 0 ]
					: '';
				expect(
					project.spec.namespaceResourceWhitelist,
					`${ application.metadata.name }: ${ object.kind } is not allowed by the project`
				).toContainEqual( { group, kind: object.kind } );
			}
		}
	} );

	it( 'creates the namespaces, heals drift everywhere, and never prunes prod by itself', () => {
		for ( const application of argocd.ofKind( 'Application' ) ) {
			const policy = application.spec.syncPolicy;
			expect( policy.syncOptions ).toContain( 'CreateNamespace=true' );
			expect( policy.automated.selfHeal ).toBe( true );
			expect( policy.automated.prune, application.metadata.name ).toBe(
				application.metadata.name !== 'orbit-prod'
			);
		}
		expect( project.spec.clusterResourceWhitelist ).toEqual( [
			{ group: '', kind: 'Namespace' },
		] );
	} );
} );
