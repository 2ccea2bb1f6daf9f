/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { BlockingFinding, Verdict } from './types';

/**
 * One finding as people read it: "CVE-2019-14697 (musl 1.1.20-r3, fixed in 1.1.20-r5)".
 *
 * @param finding A blocking finding.
 */
export function findingText( finding: BlockingFinding ): string {
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
 * "dev: allowed" or "test: blocked by CVE-… (…)".
 *
 * @param verdict The bridge's verdict.
 */
export function verdictText( verdict: Verdict ): string {
	if ( verdict.allowed ) {
		return sprintf(
			/* translators: %s: environment. */
			__( '%s: allowed', 'k8or-orbit' ),
			verdict.environment
		);
	}
	const blocking = verdict.blocking ?? [];
	if ( blocking.length > 0 ) {
		return sprintf(
			/* translators: 1: environment, 2: the blocking findings. */
			__( '%1$s: blocked by %2$s', 'k8or-orbit' ),
			verdict.environment,
			blocking.map( findingText ).join( ', ' )
		);
	}
	return sprintf(
		/* translators: 1: environment, 2: why. */
		__( '%1$s: blocked (%2$s)', 'k8or-orbit' ),
		verdict.environment,
		verdict.message ?? verdict.reason
	);
}

/**
 * The policy verdict of an environment, naming each finding that blocks.
 *
 * @param props          Component props.
 * @param props.verdict  The verdict.
 * @param props.findings Findings named by a refusal when there is no verdict at hand.
 */
export function VerdictSummary( {
	verdict,
	findings,
}: {
	verdict: Verdict;
	findings?: BlockingFinding[];
} ) {
	const blocking = findings ?? verdict.blocking ?? [];
	return (
		<div
			className={ `k8or-orbit-verdict is-${
				verdict.allowed ? 'allowed' : 'blocked'
			}` }
		>
			<p className="k8or-orbit-verdict__line">
				<strong>{ verdictText( { ...verdict, blocking } ) }</strong>
			</p>
			{ verdict.message && (
				<p className="k8or-orbit-verdict__message">
					{ verdict.message }
				</p>
			) }
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
