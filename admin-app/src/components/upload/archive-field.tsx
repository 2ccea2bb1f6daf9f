/**
 * WordPress dependencies
 */
import { Notice } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { ArchiveFacts } from '../../upload/archive';
import { formatBytes } from '../format';

interface ArchiveFieldProps {
	file: File | null;
	facts: ArchiveFacts | null;
	error: string | null;
	/** Whether to say that uploading continues where an earlier try stopped. */
	showResumeNotice: boolean;
	disabled: boolean;
	onChoose: ( file: File | null ) => void;
}

/**
 * The archive chooser and what the browser read from the chosen file.
 *
 * @param props                  Component props.
 * @param props.file             The chosen file.
 * @param props.facts            What was read from it.
 * @param props.error            Why it could not be read.
 * @param props.showResumeNotice Whether part of it is already uploaded.
 * @param props.disabled         Whether choosing is disabled.
 * @param props.onChoose         Called with the chosen file.
 */
export function ArchiveField( {
	file,
	facts,
	error,
	showResumeNotice,
	disabled,
	onChoose,
}: ArchiveFieldProps ) {
	return (
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
				disabled={ disabled }
				onChange={ ( event ) =>
					onChoose( event.target.files?.[ 0 ] ?? null )
				}
				aria-describedby="k8or-orbit-archive-help"
			/>
			<p
				id="k8or-orbit-archive-help"
				className="k8or-orbit-help"
				role={ error ? 'alert' : undefined }
			>
				{ error ??
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
			{ showResumeNotice && (
				<Notice status="info" isDismissible={ false }>
					{ __(
						'Part of this file was uploaded before. Uploading continues where it stopped.',
						'k8or-orbit'
					) }
				</Notice>
			) }
		</div>
	);
}
