import { defineConfig } from 'vitest/config';

/**
 * One Vitest run, four kinds of suite:
 * - unit: pure TypeScript, no services;
 * - integration: against the real local services described by ORBIT_STACK_FILE
 *   (started by `npm test`), run one file at a time because they share them;
 * - faults: the fault matrix, killing the services of the stack it runs against;
 * - ui: components in jsdom, REST answered by msw.
 */
export default defineConfig( {
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					environment: 'node',
					include: [
						'rest-bridge/test/unit/**/*.test.ts',
						'scripts/test/unit/**/*.test.ts',
						'contract/test/**/*.test.ts',
					],
					testTimeout: 60_000,
				},
			},
			{
				test: {
					name: 'integration',
					environment: 'node',
					include: [
						'rest-bridge/test/integration/**/*.test.ts',
						'plugin/k8or-orbit/tests/http/**/*.test.ts',
						'scripts/test/integration/**/*.test.ts',
						'kustomize/test/**/*.test.ts',
					],
					fileParallelism: false,
					testTimeout: 180_000,
					hookTimeout: 180_000,
				},
			},
			{
				test: {
					// The fault matrix kills the stack's services: it runs on a stack of its
					// own (see scripts/test.mjs), one case after another.
					name: 'faults',
					environment: 'node',
					include: [ 'scripts/test/faults/**/*.test.ts' ],
					fileParallelism: false,
					testTimeout: 240_000,
					hookTimeout: 240_000,
				},
			},
			{
				test: {
					name: 'ui',
					environment: 'jsdom',
					include: [
						'blocks/src/**/test/*.test.{ts,tsx}',
						'admin-app/test/**/*.test.{ts,tsx}',
					],
					setupFiles: [ 'admin-app/test/setup.ts' ],
					testTimeout: 30_000,
					// @wordpress/blocks imports JSON without import attributes, which
					// Node's ESM loader refuses; Vite transforms it instead.
					server: { deps: { inline: [ /@wordpress\// ] } },
				},
			},
		],
	},
} );
