/**
 * The deploy routes over real HTTP: who may deploy where, inputs refused per field, and the
 * status a deploy's callback leaves on the public app.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	basicAuth,
	call,
	deleteAppPost,
	loadStack,
	restUrl,
	sendBridgeEvents,
	uniqueAppName,
	uploadEvent,
	userWithRole,
	type Stack,
} from './support';

let stack: Stack;
let appId: number;
let appName: string;

const INPUTS = {
	replicas: 1,
	containerPort: 8080,
	resources: {
		requests: { cpu: '50m', memory: '64Mi' },
		limits: { cpu: '250m', memory: '128Mi' },
	},
	env: [ { name: 'GREETING', value: 'hello' } ],
};

function deploy(
	role: string | null,
	environment: string,
	inputs: object = INPUTS
) {
	return call(
		restUrl( stack, `/k8or-orbit/v1/apps/${ appId }/deployments` ),
		{
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				...( role ? basicAuth( userWithRole( stack, role ) ) : {} ),
			},
			body: JSON.stringify( { environment, inputs } ),
		}
	);
}

beforeAll( async () => {
	stack = loadStack();
	appName = uniqueAppName();
	const created = await sendBridgeEvents( stack, [
		uploadEvent( appName, randomUUID() ),
	] );
	expect( created.status ).toBe( 200 );
	appId = created.body.app.id;
} );

afterAll( () => deleteAppPost( stack, appId ) );

describe( 'deploy routes', () => {
	it( 'refuse visitors (401), editors (403) and operators for prod (403) before anything starts', async () => {
		expect( ( await deploy( null, 'dev' ) ).status ).toBe( 401 );
		expect( ( await deploy( 'editor', 'dev' ) ).status ).toBe( 403 );
		const prod = await deploy( 'orbit_operator', 'prod' );
		expect( prod.status ).toBe( 403 );
		expect( prod.body.message ).toContain( 'orbit_deploy_prod' );

		for ( const route of [ 'deployments', 'manifests' ] ) {
			const read = await call(
				restUrl( stack, `/k8or-orbit/v1/apps/${ appId }/${ route }`, {
					environment: 'dev',
				} ),
				{ headers: basicAuth( userWithRole( stack, 'editor' ) ) }
			);
			expect( read.status, route ).toBe( 403 );
		}
		const environments = await call(
			restUrl( stack, '/k8or-orbit/v1/environments' ),
			{ headers: basicAuth( userWithRole( stack, 'orbit_operator' ) ) }
		);
		expect(
			environments.body.map(
				( environment: { name: string; canDeploy: boolean } ) => [
					environment.name,
					environment.canDeploy,
				]
			)
		).toEqual( [
			[ 'dev', true ],
			[ 'test', true ],
			[ 'prod', false ],
		] );
	} );

	it( 'answer invalid inputs with a message per field', async () => {
		const answer = await deploy( 'administrator', 'prod', {
			...INPUTS,
			replicas: 1.5,
			containerPort: 0,
			resources: {
				requests: { cpu: '2', memory: '64Mi' },
				limits: { cpu: '1', memory: '12 Mi' },
			},
			env: [ { name: 'GREETING=1', value: 'x' } ],
		} );
		expect( answer.status ).toBe( 400 );
		expect( answer.body.code ).toBe( 'orbit_invalid_deploy_inputs' );
		expect( Object.keys( answer.body.data.fields ).sort() ).toEqual(
			[
				'containerPort',
				'env.0.name',
				'replicas',
				'resources.limits.memory',
				'resources.requests.cpu',
			].sort()
		);
	} );

	it( 'show visitors the status, revision and time a deploy callback left, and operators who and what', async () => {
		const committedAt = new Date().toISOString();
		const status = await sendBridgeEvents( stack, [
			{
				...uploadEvent( appName, randomUUID(), 1 ),
				name: 'deployment-status-updated',
				step: 'status',
				outcome: 'succeeded',
				time: committedAt,
				data: {
					environments: {
						dev: {
							status: 'committed',
							revision: 1,
							image: `127.0.0.1:5000/${ appName }@sha256:${ 'd'.repeat( 64 ) }`,
							commit: 'e'.repeat( 40 ),
							actor: { id: 2, login: 'operator' },
							committedAt,
							updatedAt: committedAt,
						},
					},
				},
			},
		] );
		expect( status.status ).toBe( 200 );

		const publicApp = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ appId }` )
		);
		expect( publicApp.body.environments.dev ).toEqual( {
			status: 'committed',
			revision: 1,
			committedAt,
			updatedAt: committedAt,
		} );
		const forOperator = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ appId }` ),
			{ headers: basicAuth( userWithRole( stack, 'orbit_operator' ) ) }
		);
		expect( forOperator.body.environments.dev ).toMatchObject( {
			commit: 'e'.repeat( 40 ),
			actor: { login: 'operator' },
		} );

		const page = await fetch(
			`${ stack.wordpress.url }/?orbit_app=${ appName }`,
			{ signal: AbortSignal.timeout( 30_000 ) }
		);
		const html = await page.text();
		expect( html ).toContain( 'Committed, waiting for sync' );
		expect( html ).not.toContain( 'data-orbit-deploy' );
	} );

	it( 'show "Rolled back to revision N" on the app page after a rollback, until the next deploy', async () => {
		const stateEvent = (
			seq: number,
			time: string,
			state: Record< string, unknown >
		) => ( {
			...uploadEvent( appName, randomUUID(), seq ),
			name: 'deployment-status-updated',
			step: 'publish',
			outcome: 'succeeded',
			time,
			data: {
				environments: {
					dev: {
						status: 'committed',
						image: `127.0.0.1:5000/${ appName }@sha256:${ 'd'.repeat( 64 ) }`,
						commit: 'f'.repeat( 40 ),
						actor: { id: 1, login: 'admin' },
						committedAt: time,
						updatedAt: time,
						...state,
					},
				},
			},
		} );
		const page = async () =>
			(
				await fetch(
					`${ stack.wordpress.url }/?orbit_app=${ appName }`,
					{
						signal: AbortSignal.timeout( 30_000 ),
					}
				)
			).text();

		const rolledBackAt = new Date( Date.now() + 1000 ).toISOString();
		expect(
			(
				await sendBridgeEvents( stack, [
					stateEvent( 1, rolledBackAt, {
						revision: 3,
						rolledBackTo: 1,
					} ),
				] )
			).status
		).toBe( 200 );
		const publicApp = await call(
			restUrl( stack, `/k8or-orbit/v1/apps/${ appId }` )
		);
		expect( publicApp.body.environments.dev ).toMatchObject( {
			revision: 3,
			rolledBackTo: 1,
		} );
		expect( await page() ).toContain( 'Rolled back to revision 1' );

		const deployedAt = new Date( Date.now() + 2000 ).toISOString();
		expect(
			(
				await sendBridgeEvents( stack, [
					stateEvent( 1, deployedAt, { revision: 4 } ),
				] )
			).status
		).toBe( 200 );
		const html = await page();
		expect( html ).not.toContain( 'Rolled back to revision' );
		expect( html ).toContain( 'Committed, waiting for sync' );
	} );
} );
