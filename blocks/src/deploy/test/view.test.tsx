import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { answerRest } from '../../../test/rest';
import type { DeployBlockData } from '../types';
import { mountDeployBlock } from '../view';

const DIGEST = `sha256:ab12${ 'c'.repeat( 60 ) }`;

/**
 * The markup render.php prints for a user who may deploy to the given environments.
 *
 * @param environments Environments the user may deploy to.
 */
function renderedBlock( environments: string[] ): HTMLElement {
	const data: DeployBlockData = {
		app: { id: 7, name: 'hello-web', version: '1.0.0', digest: DIGEST },
		environments,
		jobUrl: 'http://localhost/wp-admin/admin.php?page=k8or-orbit#events/job/%s',
	};
	const block = document.createElement( 'div' );
	block.className = 'wp-block-k8or-orbit-deploy';
	block.dataset.orbitDeploy = JSON.stringify( data );
	block.innerHTML =
		environments
			.map(
				( environment ) =>
					`<button type="button" data-environment="${ environment }">Deploy to ${ environment }</button>`
			)
			.join( '' ) +
		'<div class="wp-block-k8or-orbit-deploy__dialog"></div>';
	document.body.append( block );
	mountDeployBlock( block );
	return block;
}

const INPUTS = {
	replicas: 1,
	resources: { requests: {}, limits: {} },
	env: [],
};

describe( 'k8or-orbit/deploy on a page', () => {
	it( 'opens the shared form and confirmation from the environment’s button, and starts the deploy', async () => {
		const posted: unknown[] = [];
		answerRest( {
			'/k8or-orbit/v1/apps/7/deployments/preview': () => ( {
				verdict: {
					environment: 'prod',
					allowed: true,
					reason: 'passed',
					message: 'prod: allowed',
				},
				files: {},
				diff: [],
				currentRevision: null,
			} ),
			'/k8or-orbit/v1/apps/7/deployments': ( url, options ) => {
				if ( options.method === 'POST' ) {
					posted.push( options.data );
					return { jobId: 'job-5', revision: 1 };
				}
				return { items: [], defaults: INPUTS };
			},
		} );
		const user = userEvent.setup();
		const block = renderedBlock( [ 'dev', 'test', 'prod' ] );

		await user.click(
			within( block ).getByRole( 'button', { name: 'Deploy to prod' } )
		);
		await user.click(
			await screen.findByRole( 'button', { name: 'Review deploy' } )
		);
		expect(
			await screen.findByRole( 'heading', {
				name: 'Deploy hello-web 1.0.0 (sha256:ab12cccccccc…) to prod?',
			} )
		).toBeTruthy();
		await user.click(
			screen.getByRole( 'button', { name: 'Deploy to prod' } )
		);

		const started = await screen.findByText(
			/Deploy of revision 1 to prod started/
		);
		expect(
			within( started )
				.getByRole( 'link', { name: 'Follow its steps' } )
				.getAttribute( 'href' )
		).toBe(
			'http://localhost/wp-admin/admin.php?page=k8or-orbit#events/job/job-5'
		);
		expect( posted ).toEqual( [ { environment: 'prod', inputs: INPUTS } ] );
		block.remove();
	} );

	it( 'names the findings of a blocked image and keeps the deploy disabled', async () => {
		answerRest( {
			'/k8or-orbit/v1/apps/7/deployments/preview': () => ( {
				verdict: {
					environment: 'dev',
					allowed: false,
					reason: 'findings',
					message:
						'dev: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)',
					blocking: [
						{
							id: 'CVE-2019-14697',
							pkg: 'musl',
							installedVersion: '1.1.20-r3',
							fixedVersion: '1.1.20-r5',
							severity: 'CRITICAL',
						},
					],
				},
				files: {},
				diff: [],
				currentRevision: null,
			} ),
			'/k8or-orbit/v1/apps/7/deployments': () => ( {
				items: [],
				defaults: INPUTS,
			} ),
		} );
		const user = userEvent.setup();
		const block = renderedBlock( [ 'dev' ] );
		await user.click(
			within( block ).getByRole( 'button', { name: 'Deploy to dev' } )
		);
		await user.click(
			await screen.findByRole( 'button', { name: 'Review deploy' } )
		);
		expect(
			await screen.findByText(
				'dev: blocked by CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)'
			)
		).toBeTruthy();
		await waitFor( () =>
			expect(
				screen
					.getAllByRole( 'button', { name: 'Deploy to dev' } )
					.at( -1 )
					?.getAttribute( 'aria-disabled' )
			).toBe( 'true' )
		);
		block.remove();
	} );
} );
