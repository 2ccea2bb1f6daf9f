/**
 * WordPress dependencies
 */
import { Button, Modal, Notice } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import type { ReactNode } from 'react';

/**
 * Internal dependencies
 */
import { newIdempotencyKey, refusal, startRollback } from './api';
import type { DeployStarted } from './deploy-dialog';
import { shortDigest } from './format';
import type { DeployTarget, Revision } from './types';

export interface RollbackDialogProps {
	target: DeployTarget;
	environment: string;
	/** The earlier revision to run again. */
	revision: Revision;
	onClose: () => void;
	/** What to show once the job runs (live progress where the page can follow jobs). */
	renderStarted: ( started: DeployStarted ) => ReactNode;
}

/**
 * The confirmation of a rollback, naming app, revision and environment, then the deploy job it
 * starts. The route reads what to deploy from the revision; the dialog sends only its number.
 *
 * @param props               Component props.
 * @param props.target        The app.
 * @param props.environment   Where.
 * @param props.revision      The revision to roll back to.
 * @param props.onClose       Closes the dialog.
 * @param props.renderStarted What to show once the job runs.
 */
export function RollbackDialog( {
	target,
	environment,
	revision,
	onClose,
	renderStarted,
}: RollbackDialogProps ) {
	const [ key ] = useState( newIdempotencyKey );
	const [ busy, setBusy ] = useState( false );
	const [ notice, setNotice ] = useState< string | null >( null );
	const [ started, setStarted ] = useState< DeployStarted | null >( null );

	const rollBack = async () => {
		setBusy( true );
		setNotice( null );
		try {
			const answer = await startRollback(
				target.id,
				environment,
				revision.revision,
				key
			);
			setStarted( { ...answer, environment } );
		} catch ( error ) {
			setNotice( refusal( error ).message );
		} finally {
			setBusy( false );
		}
	};

	const digest = revision.image?.digest;
	return (
		<Modal
			className="k8or-orbit-deploy-dialog k8or-orbit-rollback-dialog"
			title={ sprintf(
				/* translators: 1: app name, 2: environment. */
				__( 'Roll back %1$s in %2$s', 'k8or-orbit' ),
				target.name,
				environment
			) }
			onRequestClose={ onClose }
		>
			{ notice && (
				<Notice status="error" isDismissible={ false }>
					{ notice }
				</Notice>
			) }
			{ started ? (
				renderStarted( started )
			) : (
				<>
					<p>
						{ sprintf(
							/* translators: 1: app name, 2: environment, 3: revision. */
							__(
								'Are you sure you want to roll %1$s in %2$s back to revision %3$d?',
								'k8or-orbit'
							),
							target.name,
							environment,
							revision.revision
						) }
					</p>
					<p>
						{ sprintf(
							/* translators: 1: revision, 2: version and digest. */
							__(
								'Revision %1$d’s image%2$s and inputs are deployed again as a new revision.',
								'k8or-orbit'
							),
							revision.revision,
							[
								revision.version,
								digest ? `(${ shortDigest( digest ) })` : '',
							]
								.filter( Boolean )
								.map( ( part ) => ` ${ part }` )
								.join( '' )
						) }
					</p>
					<div className="k8or-orbit-deploy-dialog__actions">
						<Button variant="secondary" onClick={ onClose }>
							{ __( 'Cancel', 'k8or-orbit' ) }
						</Button>
						<Button
							variant="primary"
							isBusy={ busy }
							disabled={ busy }
							onClick={ rollBack }
						>
							{ sprintf(
								/* translators: %d: revision. */
								__( 'Roll back to revision %d', 'k8or-orbit' ),
								revision.revision
							) }
						</Button>
					</div>
				</>
			) }
		</Modal>
	);
}
