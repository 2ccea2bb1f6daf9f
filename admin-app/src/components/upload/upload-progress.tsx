/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { UploadProgress as Progress } from '../../store';
import { formatBytes, formatDuration } from '../format';

/**
 * The bar and the numbers of an upload under way (or stopped): percent, bytes, speed,
 * time left and what an earlier try already sent.
 *
 * @param props        Component props.
 * @param props.upload The upload's progress.
 */
export function UploadProgress( { upload }: { upload: Progress } ) {
	const percent =
		upload.bytesTotal > 0
			? Math.floor( ( upload.bytesDone / upload.bytesTotal ) * 100 )
			: 0;
	return (
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
				{ upload.phase === 'uploading' && upload.bytesPerSecond > 0 && (
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
	);
}
