import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';

import {
	ArchiveError,
	firstTcpPort,
	inspectArchive,
} from '../src/upload/archive';
import {
	IMAGE,
	buildImageArchives,
	type ImageArchives,
} from './support/image-archives';

let archives: ImageArchives;

beforeAll( async () => {
	archives = await buildImageArchives();
}, 60_000 );
afterAll( () => archives?.remove() );

describe( 'inspectArchive (in the browser, before uploading)', () => {
	it( 'reads a skopeo docker-archive: reference, platform and exposed ports', async () => {
		const facts = await inspectArchive(
			new Blob( [ archives.dockerArchive ] )
		);
		expect( facts ).toMatchObject( {
			format: 'docker-archive',
			reference: IMAGE.reference,
			os: IMAGE.os,
			architecture: IMAGE.architecture,
			layers: 1,
		} );
		expect( facts.ports.sort() ).toEqual(
			[ ...IMAGE.exposedPorts ].sort()
		);
	} );

	it( 'reads a skopeo oci-archive the same way', async () => {
		const facts = await inspectArchive(
			new Blob( [ archives.ociArchive ] )
		);
		expect( facts ).toMatchObject( {
			format: 'oci-archive',
			os: IMAGE.os,
			architecture: IMAGE.architecture,
		} );
		expect( facts.ports.sort() ).toEqual(
			[ ...IMAGE.exposedPorts ].sort()
		);
	} );

	it( 'prefills the first TCP port, skipping UDP', () => {
		expect( firstTcpPort( [ '9102/udp', '8080/tcp' ] ) ).toBe( 8080 );
		expect( firstTcpPort( [ '53/udp' ] ) ).toBeNull();
	} );

	it( 'tells the user to decompress a gzipped archive', async () => {
		const gz = gzipSync( archives.dockerArchive );
		await expect( inspectArchive( new Blob( [ gz ] ) ) ).rejects.toThrow(
			/compressed \(gzip\).*plain \.tar/
		);
	} );

	it( 'rejects a file that is not a tar archive with what to choose instead', async () => {
		const text = new Blob( [ 'hello '.repeat( 200 ) ] );
		const failure = inspectArchive( text );
		await expect( failure ).rejects.toBeInstanceOf( ArchiveError );
		await expect( failure ).rejects.toThrow( /not a tar archive/ );
	} );

	it( 'rejects a truncated archive', async () => {
		// The first few entries only: what manifest.json names is missing.
		const cut = archives.dockerArchive.slice( 0, 512 * 6 );
		await expect( inspectArchive( new Blob( [ cut ] ) ) ).rejects.toThrow(
			ArchiveError
		);
	} );
} );
