import { deployInputsSchema, describeInputProblems } from '../deploy/inputs.js';
import {
	ENVIRONMENT_LABEL,
	renderWorkload,
	toYaml,
} from '../deploy/manifests.js';
import type { ImageFacts } from '../image/validate-archive.js';
import type { AppDescription } from '../job-model/kinds.js';
import { PermanentJobError } from './errors.js';

/**
 * The tag an uploaded image is known by before it is deployed: its config
 * digest (`sha256-<hex>`).
 */
export function imageTag( configDigest: string ): string {
	return configDigest.replace( ':', '-' );
}

/**
 * The Kustomize base of an uploaded app: the same Deployment and Service a
 * deploy renders, from the inputs given at upload (replicas, resources, the
 * port, env), with the image left for kustomize's `images` to name.
 */
export function renderKustomization(
	app: AppDescription,
	facts: ImageFacts,
	tag: string
): Record< string, string > {
	const parsed = deployInputsSchema.safeParse( app.deployInputs );
	if ( ! parsed.success ) {
		throw new PermanentJobError(
			'deploy_inputs_invalid',
			`The deploy inputs are not valid: ${ describeInputProblems( parsed.error ) }. Correct them and upload again.`
		);
	}
	const { deployment, service } = renderWorkload( {
		app: app.name,
		image: app.name,
		inputs: parsed.data,
		exposedPorts: facts.exposedPorts,
	} );
	const files: Record< string, string > = {
		'deployment.yaml': toYaml( deployment ),
	};
	if ( service ) {
		files[ 'service.yaml' ] = toYaml( service );
	}
	files[ 'kustomization.yaml' ] = toYaml( {
		apiVersion: 'kustomize.config.k8s.io/v1beta1',
		kind: 'Kustomization',
		resources: Object.keys( files ),
		labels: [ { pairs: { [ ENVIRONMENT_LABEL ]: app.environment } } ],
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
