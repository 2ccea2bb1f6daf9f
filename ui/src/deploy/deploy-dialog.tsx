/**
 * WordPress dependencies
 */
import { Button, Modal, Notice, Spinner } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import type { ReactNode } from 'react';

/**
 * Internal dependencies
 */
import {
	listRevisions,
	newIdempotencyKey,
	previewDeploy,
	refusal,
	startDeploy,
} from './api';
import { DeployForm } from './deploy-form';
import { shortDigest } from './format';
import {
	deployFormErrors,
	inputsFromValues,
	valuesFromInputs,
	type DeployFormValues,
	type FieldErrors,
} from './inputs';
import { ManifestDiff } from './manifest-diff';
import type { BlockingFinding, DeployPreview, DeployTarget } from './types';
import { VerdictSummary } from './verdict';

/** Inputs when neither a revision nor the upload gives any (the route could not be read). */
const EMPTY_INPUTS = {
	replicas: 1,
	resources: { requests: {}, limits: {} },
	env: [],
};

export interface DeployStarted {
	jobId: string;
	revision: number;
	environment: string;
}

export interface DeployDialogProps {
	target: DeployTarget;
	/** Environments the user may deploy to, in promotion order. */
	environments: string[];
	environment: string;
	onClose: () => void;
	/** What to show once the job runs (live progress where the page can follow jobs). */
	renderStarted: ( started: DeployStarted ) => ReactNode;
}

type Step =
	| { name: 'form' }
	| { name: 'confirm'; preview: DeployPreview; key: string }
	| { name: 'started'; started: DeployStarted };

/**
 * Deploy form → confirmation with the policy verdict and the manifest diff → the job.
 */
export function DeployDialog( {
	target,
	environments,
	environment: initialEnvironment,
	onClose,
	renderStarted,
}: DeployDialogProps ) {
	const [ environment, setEnvironment ] = useState( initialEnvironment );
	const [ values, setValues ] = useState< DeployFormValues | null >( null );
	const [ errors, setErrors ] = useState< FieldErrors >( {} );
	const [ notice, setNotice ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState( false );
	const [ step, setStep ] = useState< Step >( { name: 'form' } );
	/** The server's own refusal of the deploy: its verdict line and the findings it names. */
	const [ refusedDeploy, setRefusedDeploy ] = useState< {
		message: string;
		findings: BlockingFinding[];
	} | null >( null );

	useEffect( () => {
		let current = true;
		setValues( null );
		setErrors( {} );
		setNotice( null );
		listRevisions( target.id, environment )
			.then( ( list ) => {
				if ( current ) {
					setValues( valuesFromInputs( list.defaults ) );
				}
			} )
			.catch( ( error ) => {
				if ( current ) {
					setNotice( refusal( error ).message );
					setValues( valuesFromInputs( EMPTY_INPUTS ) );
				}
			} );
		return () => {
			current = false;
		};
	}, [ target.id, environment ] );

	const review = async () => {
		if ( ! values ) {
			return;
		}
		const found = deployFormErrors( values );
		setErrors( found );
		setNotice( null );
		if ( Object.keys( found ).length > 0 ) {
			return;
		}
		setBusy( true );
		try {
			const preview = await previewDeploy(
				target.id,
				environment,
				inputsFromValues( values )
			);
			setRefusedDeploy( null );
			setStep( { name: 'confirm', preview, key: newIdempotencyKey() } );
		} catch ( error ) {
			const refused = refusal( error );
			setErrors( refused.fields );
			setNotice( refused.message );
		} finally {
			setBusy( false );
		}
	};

	const deploy = async ( key: string ) => {
		if ( ! values ) {
			return;
		}
		setBusy( true );
		setNotice( null );
		try {
			const answer = await startDeploy(
				target.id,
				environment,
				inputsFromValues( values ),
				key
			);
			setStep( {
				name: 'started',
				started: { ...answer, environment },
			} );
		} catch ( error ) {
			const answer = refusal( error );
			if ( answer.code === 'orbit_policy_blocked' ) {
				setRefusedDeploy( {
					message: answer.message,
					findings: answer.findings,
				} );
			}
			setNotice( answer.message );
		} finally {
			setBusy( false );
		}
	};

	const version = target.version ? ` ${ target.version }` : '';
	let body: ReactNode;
	if ( step.name === 'started' ) {
		body = renderStarted( step.started );
	} else if ( step.name === 'confirm' ) {
		const { preview } = step;
		const digest = preview.image?.digest ?? target.digest;
		const blocked = ! preview.verdict.allowed || refusedDeploy !== null;
		const verdict = refusedDeploy
			? {
					...preview.verdict,
					allowed: false,
					message: refusedDeploy.message,
					blocking: refusedDeploy.findings,
				}
			: preview.verdict;
		body = (
			<div className="k8or-orbit-deploy-confirm">
				<h2>
					{ sprintf(
						/* translators: 1: app name and version, 2: digest in parentheses, 3: environment. */
						__( 'Deploy %1$s%2$s to %3$s?', 'k8or-orbit' ),
						target.name + version,
						digest ? ` (${ shortDigest( digest ) })` : '',
						environment
					) }
				</h2>
				<VerdictSummary verdict={ verdict } />
				<ManifestDiff
					diff={ preview.diff }
					currentRevision={ preview.currentRevision }
				/>
				<div className="k8or-orbit-deploy-dialog__actions">
					<Button
						variant="secondary"
						onClick={ () => setStep( { name: 'form' } ) }
					>
						{ __( 'Back', 'k8or-orbit' ) }
					</Button>
					<Button
						variant="primary"
						accessibleWhenDisabled
						disabled={ blocked || busy }
						isBusy={ busy }
						aria-describedby={
							blocked ? 'k8or-orbit-deploy-blocked' : undefined
						}
						onClick={ () => deploy( step.key ) }
					>
						{ sprintf(
							/* translators: %s: environment. */
							__( 'Deploy to %s', 'k8or-orbit' ),
							environment
						) }
					</Button>
					{ blocked && (
						<p
							id="k8or-orbit-deploy-blocked"
							className="k8or-orbit-deploy-dialog__blocked"
						>
							{ sprintf(
								/* translators: %s: environment. */
								__(
									'Deploying is disabled: the policy of %s blocks this image. Fix or exempt the findings above, then scan again.',
									'k8or-orbit'
								),
								environment
							) }
						</p>
					) }
				</div>
			</div>
		);
	} else if ( ! values ) {
		body = <Spinner />;
	} else {
		body = (
			<>
				<DeployForm
					values={ values }
					errors={ errors }
					onChange={ setValues }
					environments={ environments }
					environment={ environment }
					onEnvironmentChange={ setEnvironment }
				/>
				<div className="k8or-orbit-deploy-dialog__actions">
					<Button variant="secondary" onClick={ onClose }>
						{ __( 'Cancel', 'k8or-orbit' ) }
					</Button>
					<Button
						variant="primary"
						isBusy={ busy }
						disabled={ busy }
						onClick={ review }
					>
						{ __( 'Review deploy', 'k8or-orbit' ) }
					</Button>
				</div>
			</>
		);
	}

	return (
		<Modal
			className="k8or-orbit-deploy-dialog"
			title={ sprintf(
				/* translators: 1: app name and version, 2: environment. */
				__( 'Deploy %1$s to %2$s', 'k8or-orbit' ),
				target.name + version,
				environment
			) }
			onRequestClose={ onClose }
			size="large"
		>
			{ notice && (
				<Notice status="error" isDismissible={ false }>
					{ notice }
				</Notice>
			) }
			{ body }
		</Modal>
	);
}
