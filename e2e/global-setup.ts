/**
 * Before the browser tests: the catalog holds the sample apps, sent through the real upload
 * path exactly as `npm start` does on its first run, so the visitor's pages have apps to show.
 */
// @ts-expect-error -- plain ESM script without type declarations.
import { seedCatalog } from '../scripts/lib/seed.mjs';
import { readStack } from './support/stack';

export default async function globalSetup() {
	const stack = readStack();
	await seedCatalog( stack );
}
