import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
	defaultSyncPolicy,
	renderArgoCdApplication,
} from '../../src/cluster/argocd-application.js';

const request = {
	environment: 'dev',
	name: 'orbit-dev',
	namespace: 'orbit-dev',
	repoURL: 'https://git.example.test/orbit-gitops.git',
	branch: 'main',
	path: 'environments/dev',
};

describe( 'the Argo CD Application of an environment', () => {
	it( 'syncs dev on its own with prune and self-heal', () => {
		const yaml = renderArgoCdApplication( {
			...request,
			syncPolicy: defaultSyncPolicy( 'dev' ),
		} );
		const object = parse( yaml );
		expect( () => new Application( object ).validate() ).not.toThrow();
		expect( Object.keys( object.metadata.annotations ) ).toContain(
			'notifications.argoproj.io/subscribe.orbit-on-health-degraded.orbit'
		);
		expect( object.spec ).toMatchObject( {
			source: { path: 'environments/dev', targetRevision: 'main' },
			destination: { namespace: 'orbit-dev' },
			syncPolicy: { automated: { prune: true, selfHeal: true } },
		} );
	} );

	it( 'leaves prod to a manual sync', () => {
		expect( defaultSyncPolicy( 'test' ) ).toBe( 'automated' );
		expect( defaultSyncPolicy( 'prod' ) ).toBe( 'manual' );
		const object = parse(
			renderArgoCdApplication( {
				...request,
				environment: 'prod',
				name: 'orbit-prod',
				syncPolicy: defaultSyncPolicy( 'prod' ),
			} )
		);
		expect( object.spec.syncPolicy.automated ).toBeUndefined();
	} );
} );
