/**
 * Where the bridge keeps objects: the one statement of every key layout, read
 * by the routes and the jobs alike.
 */

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

/** Where an upload's archive is assembled inside the temporary bucket. */
export const uploadKeys = {
	archive: ( uploadId: string ) => `uploads/${ uploadId }/image.tar`,
};
