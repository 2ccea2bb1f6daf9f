/**
 * The deploy job in the fault matrix: an app uploaded first, then deployed to dev as the
 * operator through WordPress, and what a finished deploy leaves in the registry, the GitOps
 * repository, DynamoDB and WordPress.
 */
import { CONTRACT } from '@k8or-orbit/contract';
import { expect } from 'vitest';

// @ts-expect-error -- plain ESM scripts without type declarations.
import { callWordpress, uploadArchive } from '../../lib/seed.mjs';
import { exec } from './service-checks';
import { type JobDriver, expectJobReleased } from './fault-probes';

export const deployDriver: JobDriver = {
	kind: 'deploy',
	// The stack has no cluster connection: a deploy ends committed, and its
	// cluster step has nothing to do and emits nothing.
	events: CONTRACT.jobs.deploy.steps
		.filter( ( step ) => step.name !== 'cluster' )
		.flatMap( ( step ) => [ ...step.events ] ),

	async start( probe, name ) {
		const appName = `faults-deploy-${ name }`;
		const upload = await uploadArchive(
			probe.stack,
			probe.operator,
			probe.archive,
			{
				name: appName,
				title: `Faults deploy ${ name }`,
				description: 'Deployed while a service of the stack is killed.',
				category: 'Tests',
				port: 8080,
				env: { GREETING: 'hello' },
			}
		);
		expect( upload.status, JSON.stringify( upload.error ) ).toBe(
			'succeeded'
		);
		const [ postId ] = await probe.sql(
			`SELECT ID FROM wp_posts WHERE post_type = 'orbit_app' AND post_status = 'publish' AND post_name = '${ appName }'`
		);
		const route = `/k8or-orbit/v1/apps/${ postId }/deployments`;
		const { defaults } = await callWordpress(
			probe.stack,
			probe.operator,
			// The stack's REST URL is `…/?rest_route=`: parameters follow with `&`.
			`${ route }&environment=dev`
		);
		const { jobId } = await callWordpress(
			probe.stack,
			probe.operator,
			route,
			{
				method: 'POST',
				body: JSON.stringify( {
					environment: 'dev',
					inputs: defaults,
				} ),
			}
		);
		return { kind: 'deploy', jobId, appName };
	},

	async checkFinished( probe, job, before, after ) {
		const events = await probe.jobEvents( job.jobId );
		const data = ( name: string ) =>
			events.find( ( e ) => e.name === name )?.data ?? {};
		const { commit } = data( 'manifest-pushed' ) as { commit: string };
		const { digest } = data( 'image-pushed' ) as { digest: string };

		// One commit, this job's, on top of the history before it.
		const added = Object.keys( after.gitHistory ?? {} ).filter(
			( entry ) => ! ( entry in ( before.gitHistory ?? {} ) )
		);
		expect( added ).toEqual( [ commit ] );
		const message = await exec( 'git', [
			`--git-dir=${ probe.stack.gitops.path }`,
			'log',
			'-1',
			'--format=%B',
			commit,
		] );
		expect( message.stdout ).toContain( job.jobId );

		// The image in the registry under its first revision, by the digest the job reported.
		expect(
			Object.entries( after.registry ?? {} ).filter( ( [ entry ] ) =>
				entry.endsWith( `${ job.appName }:r1` )
			)
		).toEqual( [ [ expect.any( String ), digest ] ] );

		await expectJobReleased( probe, job.jobId );

		// WordPress holds the committed revision, and no deploy still running.
		const [ environments ] = await probe.sql(
			`SELECT m.meta_value FROM wp_postmeta m JOIN wp_posts p ON p.ID = m.post_id WHERE p.post_type = 'orbit_app' AND p.post_name = '${ job.appName }' AND m.meta_key = 'k8or_orbit_environments'`
		);
		expect( environments ).toContain( commit );
		expect( environments ).toContain( '"committed"' );
		expect( environments ).not.toContain( '"deploying"' );
	},
};
