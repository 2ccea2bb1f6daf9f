/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { FileDiff } from './types';

const STATUS_LABELS: Record< FileDiff[ 'status' ], string > = {
	added: __( 'new', 'k8or-orbit' ),
	changed: __( 'changed', 'k8or-orbit' ),
	unchanged: __( 'unchanged', 'k8or-orbit' ),
	removed: __( 'removed', 'k8or-orbit' ),
};

const LINE_CLASSES = { '+': 'is-added', '-': 'is-removed', ' ': 'is-same' };

/**
 * The manifests against the revision running now, file by file, line by line.
 *
 * @param props                 Component props.
 * @param props.diff            The diff from the preview.
 * @param props.currentRevision The running revision, null before the first deploy.
 */
export function ManifestDiff( {
	diff,
	currentRevision,
}: {
	diff: FileDiff[];
	currentRevision: number | null;
} ) {
	return (
		<section className="k8or-orbit-diff">
			<h3>
				{ currentRevision === null
					? __(
							'Manifests (first deploy here: every line is new)',
							'k8or-orbit'
						)
					: sprintf(
							/* translators: %d: revision number. */
							__(
								'Manifests compared with revision %d, running now',
								'k8or-orbit'
							),
							currentRevision
						) }
			</h3>
			{ diff.map( ( file ) => (
				<figure
					key={ file.file }
					className={ `k8or-orbit-diff__file is-${ file.status }` }
				>
					<figcaption>
						<code>{ file.file }</code>{ ' ' }
						<span className="k8or-orbit-diff__status">
							{ STATUS_LABELS[ file.status ] }
						</span>
					</figcaption>
					{ file.status !== 'unchanged' && (
						<pre
							className="k8or-orbit-diff__lines"
							aria-label={ sprintf(
								/* translators: %s: file name. */
								__( 'Changes in %s', 'k8or-orbit' ),
								file.file
							) }
						>
							{ file.lines.map( ( line, index ) => (
								<span
									key={ index }
									className={ `k8or-orbit-diff__line ${
										LINE_CLASSES[ line.op ]
									}` }
									data-op={ line.op }
								>
									{ `${ line.op } ${ line.text }\n` }
								</span>
							) ) }
						</pre>
					) }
				</figure>
			) ) }
		</section>
	);
}
