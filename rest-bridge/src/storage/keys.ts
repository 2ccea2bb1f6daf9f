/**
 * Where the bridge keeps objects: the one statement of every key layout, read
 * by the routes and the jobs alike.
 */

/**
 * Where an app's stored files live inside its environment bucket. Each
 * version keeps its archive and facts under its own folder, so a new upload
 * never overwrites an older version; `image.json` repeats the facts of the
 * newest version, the app's current image.
 */
export const appKeys = {
	image: ( app: string ) => `apps/${ app }/image.json`,
	user: ( app: string ) => `apps/${ app }/user.json`,
	deployInputs: ( app: string ) => `apps/${ app }/deploy-inputs.json`,
	kustomization: ( app: string, file: string ) =>
		`apps/${ app }/kustomize/${ file }`,
	versions: ( app: string ) => `apps/${ app }/versions/`,
	versionImage: ( app: string, version: string ) =>
		`apps/${ app }/versions/${ version }/image.json`,
	versionArchive: ( app: string, version: string ) =>
		`apps/${ app }/versions/${ version }/image.tar`,
};

/** Where scan results live inside the reports bucket. */
export const reportKeys = {
	report: ( app: string, environment: string, jobId: string ) =>
		`${ app }/${ environment }/${ jobId }.json`,
	/** The latest scan of the app's current image. */
	latest: ( app: string, environment: string ) =>
		`${ app }/${ environment }/latest.json`,
	/** The latest scan of one version. */
	versionLatest: ( app: string, environment: string, version: string ) =>
		`${ app }/${ environment }/versions/${ version }/latest.json`,
};

/** Where an upload's archive is assembled inside the temporary bucket. */
export const uploadKeys = {
	archive: ( uploadId: string ) => `uploads/${ uploadId }/image.tar`,
};
