/**
 * Typed calls to `k8or-orbit/v1`. apiFetch carries the REST root and the `wp_rest`
 * nonce that WordPress sets up for the page.
 */

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { normaliseScanReport } from './scan';
import type {
	AppDetailsInput,
	AppVersion,
	DeadLetter,
	DeadLetterDelivery,
	Environment,
	EventPage,
	Job,
	LiveCredentials,
	OrbitApp,
	RawScanReport,
	UploadSession,
	UploadState,
	UploadedPart,
} from './types';

const NAMESPACE = '/k8or-orbit/v1';

export type AppQuery = {
	search?: string;
	category?: string;
	environment?: string;
	environment_status?: string;
	scan_status?: string;
	orderby?: 'title' | 'date' | 'modified';
	order?: 'asc' | 'desc';
	page?: number;
	per_page?: number;
	include_deleted?: boolean;
	/** true: only deleted apps; false: none (needs include_deleted for true). */
	deleted?: boolean;
};

export interface AppList {
	items: OrbitApp[];
	total: number;
	totalPages: number;
}

/**
 * A page of apps with the totals WordPress sends in X-WP-Total / X-WP-TotalPages.
 *
 * @param query Filters, sorting and page.
 */
export async function listApps( query: AppQuery ): Promise< AppList > {
	const response = await apiFetch< Response, false >( {
		path: addQueryArgs( `${ NAMESPACE }/apps`, query ),
		parse: false,
	} );
	const items = ( await response.json() ) as OrbitApp[];
	return {
		items,
		total: Number( response.headers.get( 'X-WP-Total' ) ?? items.length ),
		totalPages: Number( response.headers.get( 'X-WP-TotalPages' ) ?? 1 ),
	};
}

export const getApp = ( id: number ) =>
	apiFetch< OrbitApp >( { path: `${ NAMESPACE }/apps/${ id }` } );

export const listVersions = ( appId: number ) =>
	apiFetch< AppVersion[] >( {
		path: `${ NAMESPACE }/apps/${ appId }/versions`,
	} );

export const listEnvironments = () =>
	apiFetch< Environment[] >( { path: `${ NAMESPACE }/environments` } );

export const listCategories = () =>
	apiFetch< Array< { id: number; name: string; slug: string } > >( {
		path: addQueryArgs( '/wp/v2/orbit_category', {
			per_page: 100,
			_fields: 'id,name,slug',
		} ),
	} );

export const startUpload = ( body: {
	appName: string;
	version: string;
	filename: string;
	size: number;
} ) =>
	apiFetch< UploadSession >( {
		path: `${ NAMESPACE }/uploads`,
		method: 'POST',
		data: body,
	} );

export const getUpload = ( uploadId: string ) =>
	apiFetch< UploadState >( {
		path: `${ NAMESPACE }/uploads/${ encodeURIComponent( uploadId ) }`,
	} );

export const completeUpload = (
	uploadId: string,
	parts: Array< Pick< UploadedPart, 'partNumber' | 'etag' > >,
	app: AppDetailsInput
) =>
	apiFetch< { jobId: string } >( {
		path: `${ NAMESPACE }/uploads/${ encodeURIComponent(
			uploadId
		) }/complete`,
		method: 'POST',
		data: { parts, app },
	} );

export const abortUpload = ( uploadId: string ) =>
	apiFetch< void, false >( {
		path: `${ NAMESPACE }/uploads/${ encodeURIComponent( uploadId ) }`,
		method: 'DELETE',
		parse: false,
	} );

export const scanApp = ( appId: number, environment?: string ) =>
	apiFetch< { jobId: string } >( {
		path: `${ NAMESPACE }/apps/${ appId }/scan`,
		method: 'POST',
		data: environment ? { environment } : {},
	} );

/** Refresh: the bridge reads what runs in the environment now (a cluster-status job). */
export const refreshEnvironment = ( appId: number, environment: string ) =>
	apiFetch< { jobId: string } >( {
		path: `${ NAMESPACE }/apps/${ appId }/environments/${ encodeURIComponent(
			environment
		) }/status`,
		method: 'POST',
	} );

export const getScanReport = async ( appId: number ) =>
	normaliseScanReport(
		await apiFetch< RawScanReport >( {
			path: `${ NAMESPACE }/apps/${ appId }/scan`,
		} )
	);

export const getJob = ( jobId: string ) =>
	apiFetch< Job >( {
		path: `${ NAMESPACE }/jobs/${ encodeURIComponent( jobId ) }`,
	} );

export type EventSource = { appId: number } | { jobId: string };

/**
 * One page of the event log, newest first.
 *
 * @param source Whose events: an app's or a job's.
 * @param limit  Page size.
 * @param cursor The `nextCursor` of the previous page, if any.
 */
export function listEvents(
	source: EventSource,
	limit: number,
	cursor?: string | null
) {
	const base =
		'appId' in source
			? `${ NAMESPACE }/apps/${ source.appId }/events`
			: `${ NAMESPACE }/jobs/${ encodeURIComponent(
					source.jobId
				) }/events`;
	return apiFetch< EventPage >( {
		path: addQueryArgs( base, cursor ? { limit, cursor } : { limit } ),
	} );
}

/** The callbacks WordPress refused, newest first (administrators). */
export const listDeadLetters = () =>
	apiFetch< { items: DeadLetter[] } >( {
		path: `${ NAMESPACE }/dead-letters`,
	} );

/**
 * Asks the bridge to deliver a refused callback again, once its cause is fixed.
 *
 * @param letterId The refused callback.
 */
export const deliverDeadLetter = ( letterId: string ) =>
	apiFetch< DeadLetterDelivery >( {
		path: `${ NAMESPACE }/dead-letters/${ encodeURIComponent(
			letterId
		) }/deliver`,
		method: 'POST',
	} );

/**
 * This user's short-lived credentials for following one job live (asked again before expiry).
 *
 * @param jobId The job to follow.
 */
export const getLiveCredentials = ( jobId: string ) =>
	apiFetch< LiveCredentials >( {
		path: addQueryArgs( `${ NAMESPACE }/live`, { job: jobId } ),
	} );

/**
 * The message of a failed REST call, for showing to the user.
 *
 * @param error What apiFetch threw.
 */
export function errorMessage( error: unknown ): string {
	if ( error && typeof error === 'object' && 'message' in error ) {
		const { message } = error as { message: unknown };
		if ( typeof message === 'string' && message ) {
			return message;
		}
	}
	return String( error );
}
