/**
 * One environment's verdict as a line of text, in the bridge's words ("dev: allowed",
 * "test: blocked by CVE-… (…)"). The console's verdict list and the deploy dialog both
 * show a verdict through this; the blocks' render-helpers.php writes the same markup.
 */

interface VerdictLineProps {
	verdict: { environment: string; allowed: boolean; message?: string };
}

/**
 * @param props         Component props.
 * @param props.verdict The verdict, as the bridge decided and worded it.
 */
export function VerdictLine( { verdict }: VerdictLineProps ) {
	return (
		<span
			className={ `k8or-orbit-verdict ${
				verdict.allowed ? 'is-allowed' : 'is-blocked'
			}` }
			data-environment={ verdict.environment }
		>
			{ verdict.message }
		</span>
	);
}
