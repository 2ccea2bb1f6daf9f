/**
 * The verdict of each environment's policy for an image, worded by the bridge and
 * listed in the environments' order: "dev: allowed · test: blocked by CVE-… (…)".
 * The blocks' render-helpers.php writes the same line for visitors.
 */

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { VerdictLine } from '../../../ui/src/verdict-line';
import { orderedVerdicts } from '../api/scan';
import type { Environment, ScanSummary, Verdict } from '../api/types';

interface VerdictsProps {
	verdicts: Partial< Record< string, Verdict > >;
	environments: Array< Pick< Environment, 'name' > >;
	/** What to say when no verdict was decided: the scan's state. */
	scan?: ScanSummary;
}

/**
 * @param props              Component props.
 * @param props.verdicts     The app's verdicts per environment.
 * @param props.environments The configured environments, for the order.
 * @param props.scan         The app's scan, for when there is no verdict yet.
 */
export function Verdicts( { verdicts, environments, scan }: VerdictsProps ) {
	const ordered = orderedVerdicts( verdicts, environments );
	if ( ordered.length === 0 ) {
		return (
			<span className="k8or-orbit-verdicts is-empty">
				{ scan?.status === 'unavailable'
					? __( 'Not scanned: scanner unavailable', 'k8or-orbit' )
					: __( 'Not scanned', 'k8or-orbit' ) }
			</span>
		);
	}
	return (
		<span className="k8or-orbit-verdicts">
			{ ordered.map( ( verdict, index ) => (
				<span key={ verdict.environment }>
					{ index > 0 && ' · ' }
					<VerdictLine verdict={ verdict } />
				</span>
			) ) }
		</span>
	);
}
