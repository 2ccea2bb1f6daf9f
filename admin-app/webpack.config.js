/**
 * The console's own code uses the script handles WordPress ships (wp-components, wp-data,
 * wp-api-fetch, wp-element, wp-i18n, wp-url, …) instead of bundling them: WordPress loads them
 * once for every admin screen. What WordPress 6.8 lacks is bundled, and only into the chunk that
 * needs it: DataViews and the packages it is built with (its newer @wordpress/components,
 * @wordpress/private-apis, which in 6.8 refuses packages it does not know, and @wordpress/theme,
 * which 6.8 does not ship). Screens are chunks loaded when first shown (see src/screens/index.ts),
 * so a new screen is one more lazy import there and picks up these rules unchanged.
 */
const path = require( 'node:path' );

const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

/**
 * Shared with the page whoever imports them: one React, one nonce and root, one set of
 * translations, and the utility packages whose WordPress 6.8 versions export everything the
 * bundled versions do (@wordpress/date alone would otherwise bundle 700 KiB of moment-timezone
 * data). Not here, because 6.8's copies lack exports the bundled packages use: compose and
 * rich-text (privateApis), data (keyedReducer), keycodes (withIgnoreIMEEvents), deprecated,
 * is-shallow-equal.
 */
const ALWAYS_SHARED = [
	'react',
	'react-dom',
	'react/jsx-runtime',
	'moment',
	'lodash',
	...[
		'a11y',
		'api-fetch',
		'date',
		'dom',
		'dom-ready',
		'element',
		'escape-html',
		'hooks',
		'html-entities',
		'i18n',
		'primitives',
		'priority-queue',
		'url',
		'warning',
	].map( ( name ) => `@wordpress/${ name }` ),
];

const consoleSource = path.join( __dirname, 'src' ) + path.sep;

class ConsoleDependencyExtraction extends DependencyExtractionWebpackPlugin {
	externalizeWpDeps( data, callback ) {
		const issuer = data.contextInfo?.issuer ?? '';
		// A bundled package gets the versions it was built with, not WordPress 6.8's.
		if (
			issuer &&
			! issuer.startsWith( consoleSource ) &&
			! ALWAYS_SHARED.includes( data.request )
		) {
			return callback();
		}
		return super.externalizeWpDeps( data, callback );
	}
}

module.exports = {
	...defaultConfig,
	// Chunk names change with their content: stale ones must not pile up beside the new ones.
	output: { ...defaultConfig.output, clean: true },
	plugins: [
		...defaultConfig.plugins.filter(
			( plugin ) =>
				! ( plugin instanceof DependencyExtractionWebpackPlugin )
		),
		new ConsoleDependencyExtraction(),
	],
};
