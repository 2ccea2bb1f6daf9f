import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuiltImage {
	archive: string;
	configDigest: string;
	layerCount: number;
}

/**
 * Builds a real image offline with umoci (two layers, one holding `bigBytes`
 * of random data so the archive needs several upload parts) and saves it
 * with skopeo as a docker-archive.
 */
export function buildDockerArchive(
	dir: string,
	bigBytes: number
): BuiltImage {
	const layout = join( dir, 'layout' );
	const files = join( dir, 'files' );
	mkdirSync( files, { recursive: true } );
	writeFileSync( join( files, 'index.html' ), '<h1>hello</h1>\n' );
	writeFileSync( join( files, 'blob.bin' ), randomBytes( bigBytes ) );
	const umoci = ( ...args: string[] ) =>
		execFileSync( 'umoci', args, { stdio: 'pipe' } );
	umoci( 'init', '--layout', layout );
	umoci( 'new', '--image', `${ layout }:hello` );
	umoci(
		'insert',
		'--image',
		`${ layout }:hello`,
		join( files, 'index.html' ),
		'/srv/index.html'
	);
	umoci(
		'insert',
		'--image',
		`${ layout }:hello`,
		join( files, 'blob.bin' ),
		'/srv/blob.bin'
	);
	umoci(
		'config',
		'--image',
		`${ layout }:hello`,
		'--config.exposedports',
		'8080/tcp',
		'--config.entrypoint',
		'/bin/httpd',
		'--config.env',
		'GREETING=hello',
		'--os',
		'linux',
		'--architecture',
		'amd64'
	);
	const archive = join( dir, 'hello.tar' );
	execFileSync(
		'skopeo',
		[
			'copy',
			'--quiet',
			`oci:${ layout }:hello`,
			`docker-archive:${ archive }:hello-web:1.0`,
		],
		{ stdio: 'pipe' }
	);
	// The config blob travels unchanged into the docker-archive.
	const manifest = JSON.parse(
		execFileSync( 'skopeo', [
			'inspect',
			'--raw',
			`oci:${ layout }:hello`,
		] ).toString()
	) as { config: { digest: string }; layers: unknown[] };
	return {
		archive,
		configDigest: manifest.config.digest,
		layerCount: manifest.layers.length,
	};
}

export function readArchive( file: string ): Buffer {
	return readFileSync( file );
}
