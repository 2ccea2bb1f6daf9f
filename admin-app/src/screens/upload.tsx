/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	SelectControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, listCategories } from '../api/rest';
import type { DeployInputs, DeployInputsPayload, EnvVar } from '../api/types';
import { formatBytes, formatDuration } from '../components/format';
import { JobProgress } from '../components/job-progress';
import { store } from '../store';
import {
	ArchiveError,
	firstTcpPort,
	inspectArchive,
	type ArchiveFacts,
} from '../upload/archive';
import { UploadAbortedError } from '../upload/multipart';
import { findUnfinishedUpload } from '../upload/resume';
import { runUpload } from '../upload/run-upload';
import {
	MAX_ENV_VARS,
	appNameError,
	appNameFromReference,
	deployInputErrors,
} from '../upload/validate';

const DEFAULT_INPUTS: DeployInputs = {
	replicas: 1,
	containerPort: null,
	resources: {
		requests: { cpu: '100m', memory: '128Mi' },
		limits: { cpu: '500m', memory: '256Mi' },
	},
	env: [],
};

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

interface UploadScreenProps {
	/** Environments in promotion order; the image is stored in the first. */
	environments: string[];
	/** How many parts go up at once. */
	concurrency?: number;
	/** Pause before retrying a part (ms); tests shorten it. */
	retryDelayMs?: number;
}

/** The label of one resource field, e.g. "CPU request". */
function resourceLabel(
	kind: 'requests' | 'limits',
	resource: 'cpu' | 'memory'
): string {
	if ( kind === 'requests' ) {
		return resource === 'cpu'
			? __( 'CPU request', 'k8or-orbit' )
			: __( 'Memory request', 'k8or-orbit' );
	}
	return resource === 'cpu'
		? __( 'CPU limit', 'k8or-orbit' )
		: __( 'Memory limit', 'k8or-orbit' );
}

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
	const [ file, setFile ] = useState< File | null >( null );
	const [ facts, setFacts ] = useState< ArchiveFacts | null >( null );
	const [ fileError, setFileError ] = useState< string | null >( null );
	const [ resumable, setResumable ] = useState( false );
	const [ name, setName ] = useState( '' );
	const [ title, setTitle ] = useState( '' );
	const [ description, setDescription ] = useState( '' );
	const [ category, setCategory ] = useState( '' );
	const [ categories, setCategories ] = useState<
		Array< { slug: string; name: string } >
	>( [] );
	const [ inputs, setInputs ] = useState< DeployInputs >( DEFAULT_INPUTS );
	const [ submitted, setSubmitted ] = useState( false );
	const controller = useRef< AbortController | null >( null );

	useEffect( () => {
		listCategories()
			.then( setCategories )
			.catch( () => setCategories( [] ) );
	}, [] );

	const chooseFile = async ( chosen: File | null ) => {
		resetUpload();
		setFile( chosen );
		setFacts( null );
		setFileError( null );
		setResumable( false );
		if ( ! chosen ) {
			return;
		}
		updateUpload( { phase: 'inspecting' } );
		try {
			const read = await inspectArchive( chosen );
			setFacts( read );
			const unfinished = findUnfinishedUpload( chosen );
			setResumable( !! unfinished );
			const derived =
				unfinished?.appName ??
				appNameFromReference(
					read.reference ?? chosen.name.replace( /\.tar$/i, '' )
				);
			setName( ( current ) => current || derived );
			setTitle( ( current ) => current || derived );
			const port = firstTcpPort( read.ports );
			setInputs( ( current ) => ( {
				...current,
				containerPort: current.containerPort ?? port,
			} ) );
		} catch ( error ) {
			setFileError(
				error instanceof ArchiveError
					? error.message
					: __(
							'The file could not be read. Choose it again.',
							'k8or-orbit'
						)
			);
		} finally {
			updateUpload( { phase: 'idle' } );
		}
	};

	const nameError = appNameError( name );
	const inputErrors = deployInputErrors( inputs );
	const busy = [ 'inspecting', 'uploading', 'completing' ].includes(
		upload.phase
	);
	const canSubmit =
		!! file &&
		!! facts &&
		! fileError &&
		! nameError &&
		Object.keys( inputErrors ).length === 0 &&
		! busy &&
		upload.phase !== 'processing';

	const start = async () => {
		setSubmitted( true );
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
				app: {
					name,
					title: title || name,
					description,
					category,
					environment: environments[ 0 ] ?? 'dev',
					deployInputs: toPayload( inputs ),
				},
				signal: abort.signal,
				concurrency,
				retryDelayMs,
				onReport: ( report ) => updateUpload( report ),
			} );
			setResumable( false );
			updateUpload( { phase: 'processing', jobId, secondsLeft: 0 } );
		} catch ( error ) {
			if ( error instanceof UploadAbortedError ) {
				return;
			}
			updateUpload( { phase: 'failed', error: errorMessage( error ) } );
			// What is uploaded stays; trying again resumes.
			setResumable( true );
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
		setResumable( false );
	};

	const setEnv = ( env: EnvVar[] ) => setInputs( { ...inputs, env } );
	const updateVariable = ( index: number, change: Partial< EnvVar > ) =>
		setEnv(
			inputs.env.map( ( row, i ) =>
				i === index ? { ...row, ...change } : row
			)
		);
	const percent =
		upload.bytesTotal > 0
			? Math.floor( ( upload.bytesDone / upload.bytesTotal ) * 100 )
			: 0;
	const showProgress =
		[
			'uploading',
			'completing',
			'processing',
			'failed',
			'cancelled',
		].includes( upload.phase ) && upload.bytesTotal > 0;

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
				<div className="k8or-orbit-field">
					<label htmlFor="k8or-orbit-archive">
						{ __(
							'Image archive (.tar from docker save or skopeo)',
							'k8or-orbit'
						) }
					</label>
					<input
						id="k8or-orbit-archive"
						type="file"
						accept=".tar,application/x-tar"
						disabled={ busy }
						onChange={ ( event ) =>
							void chooseFile( event.target.files?.[ 0 ] ?? null )
						}
						aria-describedby="k8or-orbit-archive-help"
					/>
					<p
						id="k8or-orbit-archive-help"
						className="k8or-orbit-help"
						role={ fileError ? 'alert' : undefined }
					>
						{ fileError ??
							( facts
								? sprintf(
										/* translators: 1: archive format, 2: size, 3: os/architecture, 4: ports. */
										__(
											'%1$s, %2$s, %3$s, ports: %4$s',
											'k8or-orbit'
										),
										facts.format,
										formatBytes( file?.size ?? 0 ),
										`${ facts.os ?? '?' }/${ facts.architecture ?? '?' }`,
										facts.ports.join( ', ' ) ||
											__( 'none exposed', 'k8or-orbit' )
									)
								: __(
										'Checked in your browser before anything is sent.',
										'k8or-orbit'
									) ) }
					</p>
					{ resumable && upload.phase !== 'failed' && (
						<Notice status="info" isDismissible={ false }>
							{ __(
								'Part of this file was uploaded before. Uploading continues where it stopped.',
								'k8or-orbit'
							) }
						</Notice>
					) }
				</div>

				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Name', 'k8or-orbit' ) }
					help={
						submitted || name
							? ( nameError ??
								__(
									'Used in URLs and as the Kubernetes name.',
									'k8or-orbit'
								) )
							: __(
									'Used in URLs and as the Kubernetes name.',
									'k8or-orbit'
								)
					}
					value={ name }
					onChange={ setName }
					disabled={ busy }
				/>
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Title', 'k8or-orbit' ) }
					value={ title }
					onChange={ setTitle }
					disabled={ busy }
				/>
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Category', 'k8or-orbit' ) }
					value={ category }
					options={ [
						{ value: '', label: __( 'None', 'k8or-orbit' ) },
						...categories.map( ( term ) => ( {
							value: term.slug,
							label: term.name,
						} ) ),
					] }
					onChange={ setCategory }
					disabled={ busy }
				/>
				<TextareaControl
					__nextHasNoMarginBottom
					label={ __( 'Description', 'k8or-orbit' ) }
					value={ description }
					onChange={ setDescription }
					disabled={ busy }
				/>

				<fieldset
					className="k8or-orbit-deploy-inputs"
					disabled={ busy }
				>
					<legend>
						{ __(
							'Deploy inputs (used when it is deployed)',
							'k8or-orbit'
						) }
					</legend>
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						type="number"
						label={ __( 'Replicas', 'k8or-orbit' ) }
						min={ 1 }
						max={ 20 }
						value={ inputs.replicas }
						onChange={ ( value ) =>
							setInputs( {
								...inputs,
								replicas: Number( value ),
							} )
						}
						help={ inputErrors.replicas }
					/>
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						type="number"
						label={ __( 'Container port', 'k8or-orbit' ) }
						min={ 1 }
						max={ 65535 }
						value={ inputs.containerPort ?? '' }
						onChange={ ( value ) =>
							setInputs( {
								...inputs,
								containerPort:
									value === '' ? null : Number( value ),
							} )
						}
						help={
							inputErrors.containerPort ??
							( facts
								? __(
										'Prefilled from the image’s exposed ports.',
										'k8or-orbit'
									)
								: undefined )
						}
					/>
					{ ( [ 'requests', 'limits' ] as const ).map( ( kind ) => (
						<div className="k8or-orbit-resources" key={ kind }>
							{ ( [ 'cpu', 'memory' ] as const ).map(
								( resource ) => (
									<TextControl
										key={ resource }
										__next40pxDefaultSize
										__nextHasNoMarginBottom
										label={ resourceLabel(
											kind,
											resource
										) }
										value={
											inputs.resources[ kind ][ resource ]
										}
										onChange={ ( value ) =>
											setInputs( {
												...inputs,
												resources: {
													...inputs.resources,
													[ kind ]: {
														...inputs.resources[
															kind
														],
														[ resource ]: value,
													},
												},
											} )
										}
									/>
								)
							) }
						</div>
					) ) }
					{ ( inputErrors.cpu || inputErrors.memory ) && (
						<p className="k8or-orbit-error" role="alert">
							{ [ inputErrors.cpu, inputErrors.memory ]
								.filter( Boolean )
								.join( ' ' ) }
						</p>
					) }
					<div className="k8or-orbit-env">
						<p>{ __( 'Environment variables', 'k8or-orbit' ) }</p>
						{ inputs.env.map( ( variable, index ) => (
							<div className="k8or-orbit-env__row" key={ index }>
								<TextControl
									__next40pxDefaultSize
									__nextHasNoMarginBottom
									label={ sprintf(
										/* translators: %d: row number. */ __(
											'Variable %d name',
											'k8or-orbit'
										),
										index + 1
									) }
									value={ variable.name }
									onChange={ ( value ) =>
										updateVariable( index, { name: value } )
									}
								/>
								<TextControl
									__next40pxDefaultSize
									__nextHasNoMarginBottom
									label={ sprintf(
										/* translators: %d: row number. */ __(
											'Variable %d value',
											'k8or-orbit'
										),
										index + 1
									) }
									value={ variable.value }
									onChange={ ( value ) =>
										updateVariable( index, { value } )
									}
								/>
								<Button
									variant="tertiary"
									isDestructive
									onClick={ () =>
										setEnv(
											inputs.env.filter(
												( _, i ) => i !== index
											)
										)
									}
								>
									{ sprintf(
										/* translators: %d: row number. */ __(
											'Remove variable %d',
											'k8or-orbit'
										),
										index + 1
									) }
								</Button>
							</div>
						) ) }
						<Button
							variant="secondary"
							disabled={ inputs.env.length >= MAX_ENV_VARS }
							onClick={ () =>
								setEnv( [
									...inputs.env,
									{ name: '', value: '' },
								] )
							}
						>
							{ __( 'Add variable', 'k8or-orbit' ) }
						</Button>
						{ inputErrors.env && (
							<p className="k8or-orbit-error" role="alert">
								{ inputErrors.env }
							</p>
						) }
					</div>
				</fieldset>

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

			{ showProgress && (
				<div className="k8or-orbit-progress">
					<progress
						max={ upload.bytesTotal }
						value={ upload.bytesDone }
						aria-label={ __( 'Upload progress', 'k8or-orbit' ) }
						aria-valuetext={ `${ percent } %` }
					/>
					<p className="k8or-orbit-progress__text" aria-live="polite">
						{ sprintf(
							/* translators: 1: percent, 2: bytes done, 3: total bytes. */
							__( '%1$d %% — %2$s of %3$s', 'k8or-orbit' ),
							percent,
							formatBytes( upload.bytesDone ),
							formatBytes( upload.bytesTotal )
						) }
						{ upload.phase === 'uploading' &&
							upload.bytesPerSecond > 0 && (
								<>
									{ ' · ' }
									{ sprintf(
										/* translators: %s: transfer speed such as "2.5 MB". */
										__( '%s/s', 'k8or-orbit' ),
										formatBytes( upload.bytesPerSecond )
									) }
								</>
							) }
						{ upload.phase === 'uploading' &&
							upload.secondsLeft !== null && (
								<>
									{ ' · ' }
									{ sprintf(
										/* translators: %s: duration. */
										__( '%s left', 'k8or-orbit' ),
										formatDuration( upload.secondsLeft )
									) }
								</>
							) }
						{ upload.resumedBytes > 0 && (
							<>
								{ ' · ' }
								{ sprintf(
									/* translators: %s: bytes. */
									__(
										'resumed with %s already uploaded',
										'k8or-orbit'
									),
									formatBytes( upload.resumedBytes )
								) }
							</>
						) }
					</p>
				</div>
			) }
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
