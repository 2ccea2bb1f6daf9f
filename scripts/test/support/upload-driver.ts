/**
 * The upload job in the fault matrix: an archive uploaded as the operator through WordPress
 * (parts straight to S3), and what a finished upload leaves in S3, DynamoDB and WordPress.
 */
import { expect } from 'vitest';

// @ts-expect-error -- plain ESM scripts without type declarations.
import { startUpload } from '../../lib/seed.mjs';
import { type JobDriver, expectJobReleased, fileSize } from './fault-probes';

export const UPLOAD_EVENTS = [
	'upload-initiated',
	'image-received',
	'temporary-image-stored',
	'image-validation-started',
	'image-validated',
	'image-scan-started',
	'image-scanned',
	'image-stored',
	'user-data-saved',
	'image-metadata-saved',
	'user-input-saved',
	'kustomization-started',
	'kustomization-completed',
	'database-update-started',
	'database-updated',
	'upload-completed',
];

export const uploadDriver: JobDriver = {
	kind: 'upload',
	events: UPLOAD_EVENTS,

	async start( probe, name ) {
		const appName = `faults-${ name }`;
		const { jobId } = await startUpload(
			probe.stack,
			probe.operator,
			probe.archive,
			{
				name: appName,
				title: `Faults ${ name }`,
				description: 'Uploaded while a service of the stack is killed.',
				category: 'Tests',
				port: 8080,
				env: { GREETING: 'hello' },
			}
		);
		return { kind: 'upload', jobId, appName };
	},

	async checkFinished( probe, job, before, after ) {
		const events = await probe.jobEvents( job.jobId );
		const stored = events.find( ( e ) => e.name === 'image-stored' )
			?.data as { bucket: string; key: string };
		const app = `apps/${ job.appName }`;
		const objects = await probe.bucketObjects( stored.bucket );
		// The archive under its version (the seed's 1.0.0), and every file of the app, once.
		expect( objects[ stored.key ]?.split( ':' )[ 0 ] ).toBe(
			String( fileSize( probe.archive ) )
		);
		expect(
			Object.keys( objects )
				.filter( ( key ) => key.startsWith( `${ app }/` ) )
				.sort()
		).toEqual(
			[
				'deploy-inputs.json',
				'image.json',
				'kustomize/deployment.yaml',
				'kustomize/kustomization.yaml',
				'kustomize/service.yaml',
				'user.json',
				'versions/1.0.0/image.json',
				'versions/1.0.0/image.tar',
			].map( ( file ) => `${ app }/${ file }` )
		);
		// No upload half-kept in temporary storage.
		expect( await probe.bucketObjects( 'orbit-temporary' ) ).toEqual( {} );
		await expectJobReleased( probe, job.jobId );
		// One post for the app in WordPress.
		expect(
			await probe.sql(
				`SELECT ID FROM wp_posts WHERE post_type = 'orbit_app' AND post_name = '${ job.appName }'`
			)
		).toHaveLength( 1 );
		// An upload writes nothing to the registry or the GitOps repository.
		expect( after.registry ).toEqual( before.registry );
		expect( after.gitHistory ).toEqual( before.gitHistory );
	},
};
