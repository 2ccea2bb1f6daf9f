/**
 * The deploy routes of `k8or-orbit/v1`, through apiFetch (WordPress sets its root and nonce,
 * in wp-admin and on the front end alike).
 */

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import type {
	BlockingFinding,
	DeployInputs,
	DeployPreview,
	Manifests,
	RevisionList,
} from './types';

const NAMESPACE = '/k8or-orbit/v1';

export const listRevisions = ( appId: number, environment: string ) =>
	apiFetch< RevisionList >( {
		path: addQueryArgs( `${ NAMESPACE }/apps/${ appId }/deployments`, {
			environment,
		} ),
	} );

export const previewDeploy = (
	appId: number,
	environment: string,
	inputs: DeployInputs
) =>
	apiFetch< DeployPreview >( {
		path: addQueryArgs(
			`${ NAMESPACE }/apps/${ appId }/deployments/preview`,
			{
				environment,
				inputs: JSON.stringify( inputs ),
			}
		),
	} );

/**
 * Starts a deploy; the same key (one per confirmation) never starts a second job.
 *
 * @param appId          App id.
 * @param environment    Where to.
 * @param inputs         Checked inputs.
 * @param idempotencyKey Key of this confirmation.
 */
export const startDeploy = (
	appId: number,
	environment: string,
	inputs: DeployInputs,
	idempotencyKey: string
) =>
	apiFetch< { jobId: string; revision: number } >( {
		path: `${ NAMESPACE }/apps/${ appId }/deployments`,
		method: 'POST',
		headers: { 'Idempotency-Key': idempotencyKey },
		data: { environment, inputs },
	} );

/**
 * Rolls the app in an environment back to an earlier revision: a deploy of what that revision
 * ran, as a new revision. The route reads the image and inputs from the revision itself.
 *
 * @param appId          App id.
 * @param environment    Where.
 * @param revision       The earlier revision.
 * @param idempotencyKey Key of this confirmation.
 */
export const startRollback = (
	appId: number,
	environment: string,
	revision: number,
	idempotencyKey: string
) =>
	apiFetch< { jobId: string; revision: number } >( {
		path: `${ NAMESPACE }/apps/${ appId }/rollbacks`,
		method: 'POST',
		headers: { 'Idempotency-Key': idempotencyKey },
		data: { environment, revision },
	} );

/** A fresh Idempotency-Key: one per confirmation, so a repeated click starts no second job. */
export const newIdempotencyKey = () =>
	typeof crypto !== 'undefined' && 'randomUUID' in crypto
		? crypto.randomUUID()
		: `deploy-${ Date.now() }-${ Math.random().toString( 36 ).slice( 2 ) }`;

export const getManifests = (
	appId: number,
	environment: string,
	revision?: number
) =>
	apiFetch< Manifests >( {
		path: addQueryArgs(
			`${ NAMESPACE }/apps/${ appId }/manifests`,
			revision ? { environment, revision } : { environment }
		),
	} );

/** What a refused REST call carries that the dialog shows. */
export interface Refusal {
	code: string;
	message: string;
	/** Per field (`replicas`, `env.2.name` …) for invalid inputs. */
	fields: Record< string, string >;
	/** The findings that block a deploy. */
	findings: BlockingFinding[];
}

/**
 * The parts of an apiFetch error the dialog shows.
 *
 * @param error What apiFetch threw.
 */
export function refusal( error: unknown ): Refusal {
	const body = ( error && typeof error === 'object' ? error : {} ) as {
		code?: unknown;
		message?: unknown;
		findings?: unknown;
		data?: { fields?: unknown; findings?: unknown };
	};
	const findings = body.findings ?? body.data?.findings;
	const fields = body.data?.fields;
	return {
		code: typeof body.code === 'string' ? body.code : 'error',
		message:
			typeof body.message === 'string' && body.message
				? body.message
				: String( error ),
		fields:
			fields && typeof fields === 'object'
				? ( fields as Record< string, string > )
				: {},
		findings: Array.isArray( findings )
			? ( findings as BlockingFinding[] )
			: [],
	};
}
