/**
 * What the upload form holds and how each user action changes it: a reducer that the
 * screen runs with `useReducer` and that tests drive without rendering anything.
 */

/**
 * Internal dependencies
 */
import type {
	DeployInputs,
	DeployInputsPayload,
	EnvVar,
	ResourceAmounts,
} from '../api/types';
import { firstTcpPort, type ArchiveFacts } from './archive';
import {
	MAX_ENV_VARS,
	appNameError,
	appNameFromReference,
	deployInputErrors,
	versionLabelError,
	versionLabelFromReference,
} from './validate';

export const DEFAULT_INPUTS: DeployInputs = {
	replicas: 1,
	containerPort: null,
	resources: {
		requests: { cpu: '100m', memory: '128Mi' },
		limits: { cpu: '500m', memory: '256Mi' },
	},
	env: [],
};

export interface UploadFormState {
	file: File | null;
	/** What the browser read from the archive; null until it is read. */
	facts: ArchiveFacts | null;
	fileError: string | null;
	/** Whether part of this file is already uploaded and uploading continues there. */
	resumable: boolean;
	name: string;
	/** The label of the version this upload adds to the app. */
	version: string;
	title: string;
	description: string;
	category: string;
	inputs: DeployInputs;
	/** Whether the user tried to submit: from then on every error shows. */
	submitted: boolean;
}

export type AppField =
	'name' | 'version' | 'title' | 'description' | 'category';

export type UploadFormAction =
	| { type: 'file-chosen'; file: File | null }
	| {
			type: 'file-read';
			facts: ArchiveFacts;
			/** The app name of an unfinished upload of the same file, if there is one. */
			unfinishedAppName: string | null;
			/** The version label of that unfinished upload, if it has one. */
			unfinishedVersion?: string | null;
	  }
	| { type: 'file-unreadable'; message: string }
	| { type: 'field-changed'; field: AppField; value: string }
	| { type: 'replicas-changed'; value: number }
	| { type: 'port-changed'; value: number | null }
	| {
			type: 'resource-changed';
			kind: 'requests' | 'limits';
			resource: keyof ResourceAmounts;
			value: string;
	  }
	| { type: 'variable-added' }
	| { type: 'variable-changed'; index: number; change: Partial< EnvVar > }
	| { type: 'variable-removed'; index: number }
	| { type: 'submitted' }
	| { type: 'resumable-changed'; resumable: boolean };

export const initialUploadForm: UploadFormState = {
	file: null,
	facts: null,
	fileError: null,
	resumable: false,
	name: '',
	version: '',
	title: '',
	description: '',
	category: '',
	inputs: DEFAULT_INPUTS,
	submitted: false,
};

const withInputs = (
	state: UploadFormState,
	change: Partial< DeployInputs >
): UploadFormState => ( {
	...state,
	inputs: { ...state.inputs, ...change },
} );

/**
 * The next form state.
 *
 * @param state  The form now.
 * @param action What the user (or the archive reader) did.
 */
export function uploadFormReducer(
	state: UploadFormState,
	action: UploadFormAction
): UploadFormState {
	switch ( action.type ) {
		case 'file-chosen':
			return {
				...state,
				file: action.file,
				facts: null,
				fileError: null,
				resumable: false,
			};
		case 'file-read': {
			// What the user typed wins over what the archive suggests.
			const derived =
				action.unfinishedAppName ??
				appNameFromReference(
					action.facts.reference ??
						( state.file?.name ?? '' ).replace( /\.tar$/i, '' )
				);
			return {
				...state,
				facts: action.facts,
				resumable: action.unfinishedAppName !== null,
				name: state.name || derived,
				version:
					state.version ||
					action.unfinishedVersion ||
					versionLabelFromReference( action.facts.reference ?? '' ),
				title: state.title || derived,
				inputs: {
					...state.inputs,
					containerPort:
						state.inputs.containerPort ??
						firstTcpPort( action.facts.ports ),
				},
			};
		}
		case 'file-unreadable':
			return { ...state, fileError: action.message };
		case 'field-changed':
			return { ...state, [ action.field ]: action.value };
		case 'replicas-changed':
			return withInputs( state, { replicas: action.value } );
		case 'port-changed':
			return withInputs( state, { containerPort: action.value } );
		case 'resource-changed':
			return withInputs( state, {
				resources: {
					...state.inputs.resources,
					[ action.kind ]: {
						...state.inputs.resources[ action.kind ],
						[ action.resource ]: action.value,
					},
				},
			} );
		case 'variable-added':
			return state.inputs.env.length >= MAX_ENV_VARS
				? state
				: withInputs( state, {
						env: [ ...state.inputs.env, { name: '', value: '' } ],
					} );
		case 'variable-changed':
			return withInputs( state, {
				env: state.inputs.env.map( ( row, i ) =>
					i === action.index ? { ...row, ...action.change } : row
				),
			} );
		case 'variable-removed':
			return withInputs( state, {
				env: state.inputs.env.filter( ( _, i ) => i !== action.index ),
			} );
		case 'submitted':
			return { ...state, submitted: true };
		case 'resumable-changed':
			return { ...state, resumable: action.resumable };
	}
	return state;
}

/**
 * The problems that keep the form from being sent.
 *
 * @param state The form.
 */
export function uploadFormErrors( state: UploadFormState ) {
	return {
		name: appNameError( state.name ),
		version: versionLabelError( state.version ),
		inputs: deployInputErrors( state.inputs ),
	};
}

/**
 * Whether the form can be sent: a readable archive, a valid name, version label and deploy inputs.
 *
 * @param state The form.
 */
export function isUploadFormComplete( state: UploadFormState ): boolean {
	const errors = uploadFormErrors( state );
	return (
		!! state.file &&
		!! state.facts &&
		! state.fileError &&
		! errors.name &&
		! errors.version &&
		Object.keys( errors.inputs ).length === 0
	);
}

/**
 * Deploy inputs as the app stores them: environment variables as a map, no empty port.
 *
 * @param inputs What the form holds.
 */
export function toPayload( inputs: DeployInputs ): DeployInputsPayload {
	return {
		replicas: inputs.replicas,
		...( inputs.containerPort === null
			? {}
			: { containerPort: inputs.containerPort } ),
		resources: inputs.resources,
		env: Object.fromEntries(
			inputs.env.map( ( { name, value } ) => [ name, value ] )
		),
	};
}
