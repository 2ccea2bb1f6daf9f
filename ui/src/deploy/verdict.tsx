/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { VerdictLine } from '../verdict-line';
import type { BlockingFinding, Verdict } from './types';

/**
 * One blocking finding in the list under the verdict: "CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)".
 *
 * @param finding A blocking finding.
 */
function findingText( finding: BlockingFinding ): string {
	return finding.fixedVersion
		? sprintf(
				/* translators: 1: vulnerability id, 2: package, 3: installed version, 4: fixed version. */
				__( '%1$s (%2$s %3$s, fixed in %4$s)', 'k8or-orbit' ),
				finding.id,
				finding.pkg,
				finding.installedVersion,
				finding.fixedVersion
			)
		: sprintf(
				/* translators: 1: vulnerability id, 2: package, 3: installed version. */
				__( '%1$s (%2$s %3$s, no fix yet)', 'k8or-orbit' ),
				finding.id,
				finding.pkg,
				finding.installedVersion
			);
}

/**
 * The policy verdict of an environment, naming each finding that blocks.
 *
 * @param props         Component props.
 * @param props.verdict The verdict.
 */
export function VerdictSummary( { verdict }: { verdict: Verdict } ) {
	const blocking = verdict.blocking ?? [];
	return (
		<div
			className={ `k8or-orbit-verdict-summary is-${
				verdict.allowed ? 'allowed' : 'blocked'
			}` }
		>
			<p className="k8or-orbit-verdict__line">
				<strong>
					<VerdictLine verdict={ verdict } />
				</strong>
			</p>
			{ blocking.length > 0 && (
				<ul
					className="k8or-orbit-verdict__findings"
					aria-label={ __( 'Blocking findings', 'k8or-orbit' ) }
				>
					{ blocking.map( ( finding ) => (
						<li key={ `${ finding.id }-${ finding.pkg }` }>
							<span className="k8or-orbit-verdict__severity">
								{ finding.severity }
							</span>{ ' ' }
							{ findingText( finding ) }
						</li>
					) ) }
				</ul>
			) }
		</div>
	);
}
