/**
 * NATS restarts in the middle of an upload: the console's live progress goes on by itself,
 * on the live link, without a reload.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

// @ts-expect-error -- plain ESM scripts without type declarations.
import { readSupervisorState } from '../../scripts/lib/supervisor.mjs';
import { logIn, readStack, userWithRole } from '../support/stack';
import { buildArchive } from '../support/images';

const stack = readStack();

function supervisedNats(): { pid: number; restarts: number; state: string } {
	const nats = readSupervisorState( stack.dataDir )?.services?.nats;
	if ( ! nats ) {
		throw new Error(
			'The supervisor of the test stack does not know NATS.'
		);
	}
	return nats;
}

test( 'live progress resumes without a reload when NATS is killed in the middle of an upload', async ( {
	page,
} ) => {
	test.setTimeout( 240_000 );
	const appName = `e2e-nats-${ Date.now().toString( 36 ) }`;
	const dir = await mkdtemp( path.join( tmpdir(), 'orbit-e2e-nats-' ) );
	try {
		const { archive } = await buildArchive( dir, appName );
		await logIn( page, stack, userWithRole( stack, 'orbit_operator' ) );
		await page.goto(
			`${ stack.wordpress.adminUrl }admin.php?page=k8or-orbit#upload`
		);
		const sockets: string[] = [];
		page.on( 'websocket', ( socket ) => sockets.push( socket.url() ) );
		let navigations = 0;
		page.on( 'framenavigated', ( frame ) => {
			if ( frame === page.mainFrame() ) {
				navigations++;
			}
		} );

		await page.locator( '#k8or-orbit-archive' ).setInputFiles( archive );
		await page
			.locator( 'form' )
			.getByRole( 'button', { name: 'Upload', exact: true } )
			.click();
		const job = page.locator( '.k8or-orbit-job' );
		const finished = job.getByText( 'The job finished.' );
		await expect(
			job.locator( '.k8or-orbit-job__step' ).first()
		).toBeVisible( { timeout: 60_000 } );
		await expect( job.locator( '.k8or-orbit-job__mode' ) ).toContainText(
			'Live updates.'
		);
		// The kill lands while the job still has steps to go.
		await expect( finished ).toHaveCount( 0 );
		// Whether the console ever gives up the live link for polling.
		await page.evaluate( () => {
			const seen = window as unknown as { fellBackToPolling?: boolean };
			seen.fellBackToPolling = false;
			new MutationObserver( () => {
				if (
					document
						.querySelector( '.k8or-orbit-job__mode' )
						?.textContent?.includes( 'unavailable' )
				) {
					seen.fellBackToPolling = true;
				}
			} ).observe( document.body, {
				subtree: true,
				childList: true,
				characterData: true,
			} );
		} );
		const before = supervisedNats();
		process.kill( before.pid, 'SIGKILL' );

		await expect( finished ).toBeVisible( { timeout: 180_000 } );
		// NATS came back by itself, and the console stayed on the live link, on the same page.
		expect( supervisedNats().restarts ).toBe( before.restarts + 1 );
		expect(
			await page.evaluate(
				() =>
					( window as unknown as { fellBackToPolling?: boolean } )
						.fellBackToPolling
			)
		).toBe( false );
		expect( navigations ).toBe( 0 );
		const natsSockets = sockets.filter( ( url ) =>
			url.startsWith( stack.nats.websocketUrl )
		);
		expect( natsSockets.length ).toBeGreaterThan( 1 );
	} finally {
		await rm( dir, { recursive: true, force: true } );
	}
} );
