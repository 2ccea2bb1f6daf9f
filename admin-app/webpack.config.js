/**
 * The console bundles the WordPress packages it needs in their current versions
 * (components, DataViews and what they use, including @wordpress/private-apis and
 * @wordpress/theme), because older WordPress releases ship older ones or none. Only
 * what must be shared with the page stays external: React, the element wrapper,
 * apiFetch (WordPress configures its nonce and root) and i18n (WordPress loads the
 * translations into it).
 */
const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

const SHARED_WITH_THE_PAGE = [
	'@wordpress/element',
	'@wordpress/api-fetch',
	'@wordpress/i18n',
];

module.exports = {
	...defaultConfig,
	plugins: [
		...defaultConfig.plugins.filter(
			( plugin ) => ! ( plugin instanceof DependencyExtractionWebpackPlugin )
		),
		new DependencyExtractionWebpackPlugin( {
			requestToExternal( request ) {
				if (
					request.startsWith( '@wordpress/' ) &&
					! SHARED_WITH_THE_PAGE.includes( request )
				) {
					return false;
				}
				return undefined;
			},
		} ),
	],
};
