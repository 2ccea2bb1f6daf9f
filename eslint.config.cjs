/**
 * ESLint with the WordPress configs (formatting through Prettier with @wordpress/prettier-config).
 */
const path = require( 'node:path' );

const wpPlugin = require( '@wordpress/eslint-plugin' );

/**
 * Each workspace's code may import only its own dependencies; its tests may also import the
 * test tools every workspace shares from the root (Vitest, Playwright, msw …).
 */
const workspaceImports = [
	'contract',
	'rest-bridge',
	'blocks',
	'admin-app',
].flatMap( ( workspace ) => [
	{
		files: [ `${ workspace }/**` ],
		rules: {
			'import/no-extraneous-dependencies': [
				'error',
				{ packageDir: [ path.join( __dirname, workspace ) ] },
			],
		},
	},
	{
		files: [
			`${ workspace }/test/**`,
			`${ workspace }/**/test/**`,
			`${ workspace }/bench/**`,
		],
		rules: {
			'import/no-extraneous-dependencies': [
				'error',
				{
					packageDir: [
						path.join( __dirname, workspace ),
						__dirname,
					],
				},
			],
		},
	},
] );

/**
 * The components both the console and the blocks build (ui/) may import what both provide.
 */
const sharedUiImports = {
	files: [ 'ui/**' ],
	rules: {
		'import/no-extraneous-dependencies': [
			'error',
			{
				packageDir: [
					path.join( __dirname, 'admin-app' ),
					path.join( __dirname, 'blocks' ),
				],
			},
		],
	},
};

module.exports = [
	{
		ignores: [
			'**/build/**',
			'**/build-types/**',
			'**/dist/**',
			'**/dist-test-types/**',
			'**/node_modules/**',
			'**/vendor/**',
			'artifacts/**',
			'.orbit/**',
			'.orbit-test/**',
			// Declarations for plain-ESM scripts: tsc checks them, not the JS parser.
			'**/*.d.mts',
		],
	},
	...wpPlugin.configs.recommended,
	...workspaceImports,
	sharedUiImports,
	...wpPlugin.configs[ 'test-playwright' ].map( ( config ) => ( {
		...config,
		files: [ 'e2e/**/*.ts' ],
	} ) ),
	{
		files: [ '**/*.ts', '**/*.tsx' ],
		rules: {
			// TypeScript's signatures document parameters; JSDoc repeats only what they cannot say.
			'jsdoc/require-param': 'off',
			'jsdoc/require-returns': 'off',
		},
	},
	{
		files: [
			'scripts/**/*.mjs',
			'rest-bridge/bin/**',
			'rest-bridge/bench/**',
		],
		languageOptions: {
			globals: {
				process: 'readonly',
				Buffer: 'readonly',
				console: 'readonly',
			},
		},
		rules: {
			'no-console': 'off',
			// Small internal scripts: a sentence says more than a @param list.
			'jsdoc/require-param': 'off',
		},
	},
];
