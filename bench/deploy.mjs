/**
 * Deploy click → "committed" shown, against a plain `git push` of the same files to the same git
 * server. Reported as skipped while the plugin has no deploy route.
 */
import { skipped } from './lib/measure.mjs';

/** The route a deploy is started through: /k8or-orbit/v1/apps/<id>/deployments. */
const DEPLOY_ROUTE = /^\/k8or-orbit\/v1\/apps\/.*\/deployments$/;

export default {
	name: 'deploy',
	title: 'Deploy click to committed vs git push',
	needs: { stack: true },
	async run( { stack } ) {
		const response = await fetch(
			`${ stack.wordpress.restUrl }/k8or-orbit/v1`
		);
		const { routes = {} } = await response.json();
		if (
			! Object.keys( routes ).some( ( route ) =>
				DEPLOY_ROUTE.test( route )
			)
		) {
			return [
				skipped( 'deploy click to committed', 'deploy not available' ),
			];
		}
		throw new Error(
			'The deploy route exists now: this benchmark must measure it (click → committed vs git push).'
		);
	},
};
