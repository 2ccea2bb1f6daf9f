import type { ObjectStore } from '../adapters/s3.js';
import type { ImageScanner } from '../adapters/trivy.js';
import type { BridgeConfig } from '../config.js';
import type { ResourceNames } from '../resources.js';

/** What the job steps work with. */
export interface JobServices {
	config: BridgeConfig;
	objects: ObjectStore;
	names: ResourceNames;
	scanner: ImageScanner;
}

/** Where an app's stored files live inside its environment bucket. */
export const appKeys = {
	image: ( app: string ) => `apps/${ app }/image.json`,
	user: ( app: string ) => `apps/${ app }/user.json`,
	deployInputs: ( app: string ) => `apps/${ app }/deploy-inputs.json`,
	kustomization: ( app: string, file: string ) =>
		`apps/${ app }/kustomize/${ file }`,
	archive: ( digest: string ) =>
		`archives/${ digest.replace( ':', '/' ) }.tar`,
};

/** Where scan results live inside the reports bucket. */
export const reportKeys = {
	report: ( app: string, environment: string, jobId: string ) =>
		`${ app }/${ environment }/${ jobId }.json`,
	latest: ( app: string, environment: string ) =>
		`${ app }/${ environment }/latest.json`,
};
