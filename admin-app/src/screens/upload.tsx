/**
 * WordPress dependencies
 */
import { Button, Notice } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useReducer, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, listCategories } from '../api/rest';
import { JobProgress } from '../components/job-progress';
import { AppFields } from '../components/upload/app-fields';
import { ArchiveField } from '../components/upload/archive-field';
import { DeployInputsFields } from '../components/upload/deploy-inputs-fields';
import { UploadProgress } from '../components/upload/upload-progress';
import { store } from '../store';
import { ArchiveError, inspectArchive } from '../upload/archive';
import {
	initialUploadForm,
	isUploadFormComplete,
	toPayload,
	uploadFormErrors,
	uploadFormReducer,
} from '../upload/form-state';
import { UploadAbortedError } from '../upload/multipart';
import { findUnfinishedUpload } from '../upload/resume';
import { runUpload } from '../upload/run-upload';

interface UploadScreenProps {
	/** Environments in promotion order; the image is stored in the first. */
	environments: string[];
	/** How many parts go up at once. */
	concurrency?: number;
	/** Pause before retrying a part (ms); tests shorten it. */
	retryDelayMs?: number;
}

/** Phases in which the form cannot change. */
const BUSY_PHASES = [ 'inspecting', 'uploading', 'completing' ];

/** Phases that show the progress bar. */
const PROGRESS_PHASES = [
	'uploading',
	'completing',
	'processing',
	'failed',
	'cancelled',
];

/**
 * Upload an image archive: choose it, describe the app and its deploy inputs, watch the
 * parts go up, then the job's steps.
 *
 * @param props              Component props.
 * @param props.environments Environments in promotion order.
 * @param props.concurrency  Parts uploaded at once.
 * @param props.retryDelayMs Pause before retrying a part.
 */
export function UploadScreen( {
	environments,
	concurrency,
	retryDelayMs,
}: UploadScreenProps ) {
	const upload = useSelect( ( select ) => select( store ).getUpload(), [] );
	const { updateUpload, resetUpload } = useDispatch( store );
	const [ form, dispatch ] = useReducer(
		uploadFormReducer,
		initialUploadForm
	);
	const [ categories, setCategories ] = useState<
		Array< { slug: string; name: string } >
	>( [] );
	const controller = useRef< AbortController | null >( null );

	useEffect( () => {
		listCategories()
			.then( setCategories )
			.catch( () => setCategories( [] ) );
	}, [] );

	const chooseFile = async ( chosen: File | null ) => {
		resetUpload();
		dispatch( { type: 'file-chosen', file: chosen } );
		if ( ! chosen ) {
			return;
		}
		updateUpload( { phase: 'inspecting' } );
		try {
			const facts = await inspectArchive( chosen );
			const unfinished = findUnfinishedUpload( chosen );
			dispatch( {
				type: 'file-read',
				facts,
				unfinishedAppName: unfinished?.appName ?? null,
				unfinishedVersion: unfinished?.version ?? null,
			} );
		} catch ( error ) {
			dispatch( {
				type: 'file-unreadable',
				message:
					error instanceof ArchiveError
						? error.message
						: __(
								'The file could not be read. Choose it again.',
								'k8or-orbit'
							),
			} );
		} finally {
			updateUpload( { phase: 'idle' } );
		}
	};

	const errors = uploadFormErrors( form );
	const busy = BUSY_PHASES.includes( upload.phase );
	const canSubmit =
		isUploadFormComplete( form ) && ! busy && upload.phase !== 'processing';

	const start = async () => {
		dispatch( { type: 'submitted' } );
		const { file } = form;
		if ( ! file || ! canSubmit ) {
			return;
		}
		const abort = new AbortController();
		controller.current = abort;
		updateUpload( {
			phase: 'uploading',
			error: null,
			bytesTotal: file.size,
			bytesDone: 0,
		} );
		try {
			const jobId = await runUpload( {
				file,
				version: form.version,
				app: {
					name: form.name,
					title: form.title || form.name,
					description: form.description,
					category: form.category,
					environment: environments[ 0 ] ?? 'dev',
					deployInputs: toPayload( form.inputs ),
				},
				signal: abort.signal,
				concurrency,
				retryDelayMs,
				onReport: ( report ) => updateUpload( report ),
			} );
			dispatch( { type: 'resumable-changed', resumable: false } );
			updateUpload( { phase: 'processing', jobId, secondsLeft: 0 } );
		} catch ( error ) {
			if ( error instanceof UploadAbortedError ) {
				return;
			}
			updateUpload( { phase: 'failed', error: errorMessage( error ) } );
			// What is uploaded stays; trying again resumes.
			dispatch( { type: 'resumable-changed', resumable: true } );
		}
	};

	// Aborting makes runUpload abort the upload on the server as well.
	const cancel = () => {
		controller.current?.abort();
		updateUpload( {
			phase: 'cancelled',
			bytesPerSecond: 0,
			secondsLeft: null,
		} );
		dispatch( { type: 'resumable-changed', resumable: false } );
	};

	return (
		<div className="k8or-orbit-upload">
			<h2>{ __( 'Upload an image', 'k8or-orbit' ) }</h2>
			<form
				onSubmit={ ( event ) => {
					event.preventDefault();
					void start();
				} }
				noValidate
			>
				<ArchiveField
					file={ form.file }
					facts={ form.facts }
					error={ form.fileError }
					showResumeNotice={
						form.resumable && upload.phase !== 'failed'
					}
					disabled={ busy }
					onChoose={ ( chosen ) => void chooseFile( chosen ) }
				/>
				<AppFields
					name={ form.name }
					version={ form.version }
					title={ form.title }
					description={ form.description }
					category={ form.category }
					categories={ categories }
					nameError={ errors.name }
					showNameError={ form.submitted || !! form.name }
					versionError={ errors.version }
					showVersionError={ form.submitted || !! form.version }
					disabled={ busy }
					onChange={ ( field, value ) =>
						dispatch( { type: 'field-changed', field, value } )
					}
				/>
				<DeployInputsFields
					inputs={ form.inputs }
					errors={ errors.inputs }
					portFromImage={ !! form.facts }
					disabled={ busy }
					dispatch={ dispatch }
				/>

				<div className="k8or-orbit-upload__buttons">
					<Button
						variant="primary"
						type="submit"
						disabled={ ! canSubmit }
						accessibleWhenDisabled
					>
						{ upload.phase === 'failed'
							? __( 'Try again', 'k8or-orbit' )
							: __( 'Upload', 'k8or-orbit' ) }
					</Button>
					{ upload.phase === 'uploading' && (
						<Button
							variant="secondary"
							isDestructive
							onClick={ cancel }
						>
							{ __( 'Cancel upload', 'k8or-orbit' ) }
						</Button>
					) }
				</div>
			</form>

			{ PROGRESS_PHASES.includes( upload.phase ) &&
				upload.bytesTotal > 0 && <UploadProgress upload={ upload } /> }
			{ upload.phase === 'completing' && (
				<p>
					{ __(
						'All parts are up; handing the archive over…',
						'k8or-orbit'
					) }
				</p>
			) }
			{ upload.phase === 'cancelled' && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'The upload was cancelled. Nothing is kept.',
						'k8or-orbit'
					) }
				</Notice>
			) }
			{ upload.error && (
				<Notice status="error" isDismissible={ false }>
					{ upload.error }
				</Notice>
			) }
			{ upload.jobId && <JobProgress jobId={ upload.jobId } /> }
		</div>
	);
}
