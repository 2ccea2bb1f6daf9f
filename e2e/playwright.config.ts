/**
 * End-to-end tests in Debian's Chromium against the running test stack (ORBIT_STACK_FILE).
 */
import path from 'node:path';

import { defineConfig } from '@playwright/test';

import { chromiumLaunchOptions } from './support/chromium.mjs';

const artifacts = path.resolve( __dirname, '..', 'artifacts' );

export default defineConfig( {
	testDir: './specs',
	globalSetup: './global-setup.ts',
	outputDir: path.join( artifacts, 'e2e-results' ),
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 120_000,
	expect: { timeout: 15_000 },
	reporter: [ [ 'list' ], [ 'json' ] ],
	use: {
		browserName: 'chromium',
		headless: true,
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure',
		launchOptions: chromiumLaunchOptions,
	},
} );
