/**
 * Writes a large, valid docker-archive in one pass without holding it in
 * memory: one uncompressed layer holding a single file of random
 * (incompressible) bytes. Used by the memory test and the benchmark.
 *
 * The layer's name carries no digest, so it can be written before its digest is
 * known; config and manifest.json follow it, as they may in a real archive.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import tar from 'tar-stream';

const CHUNK = 1024 * 1024;
const BLOCK = 512;

async function drainInto( readable, writable, onChunk ) {
	for await ( const chunk of readable ) {
		onChunk?.( chunk );
		if ( ! writable.write( chunk ) ) {
			await new Promise( ( resolve ) =>
				writable.once( 'drain', resolve )
			);
		}
	}
}

function addFile( pack, name, body ) {
	return new Promise( ( resolve, reject ) =>
		pack.entry( { name, mode: 0o644 }, body, ( error ) =>
			error ? reject( error ) : resolve()
		)
	);
}

/**
 * @param {string} file      where to write the archive
 * @param {number} dataBytes size of the random file inside the layer
 * @return {Promise<{ file: string, layerDigest: string, configDigest: string, layerSize: number }>} the file and the digests written
 */
export async function writeLargeDockerArchive( file, dataBytes ) {
	const outer = tar.pack();
	const out = createWriteStream( file );
	const writing = drainInto( outer, out ).then( () => {
		out.end();
		return once( out, 'finish' );
	} );

	// A tar of one file: header, data padded to whole blocks, two end blocks.
	const layerSize =
		BLOCK + Math.ceil( dataBytes / BLOCK ) * BLOCK + 2 * BLOCK;
	const layerHash = createHash( 'sha256' );
	const layerEntry = outer.entry( {
		name: 'layer/layer.tar',
		size: layerSize,
		mode: 0o644,
	} );
	const layerDone = new Promise( ( resolve, reject ) => {
		layerEntry.on( 'finish', resolve );
		layerEntry.on( 'error', reject );
	} );
	const inner = tar.pack();
	const copying = drainInto( inner, layerEntry, ( chunk ) =>
		layerHash.update( chunk )
	).then( () => layerEntry.end() );
	const data = inner.entry( {
		name: 'data.bin',
		size: dataBytes,
		mode: 0o644,
	} );
	for ( let left = dataBytes; left > 0; left -= CHUNK ) {
		const chunk = randomFillSync(
			Buffer.allocUnsafe( Math.min( CHUNK, left ) )
		);
		if ( ! data.write( chunk ) ) {
			await new Promise( ( resolve ) => data.once( 'drain', resolve ) );
		}
	}
	data.end();
	inner.finalize();
	await copying;
	await layerDone;

	const layerDigest = `sha256:${ layerHash.digest( 'hex' ) }`;
	const config = Buffer.from(
		JSON.stringify( {
			architecture: 'amd64',
			os: 'linux',
			config: { ExposedPorts: { '8080/tcp': {} }, Cmd: [ '/data.bin' ] },
			rootfs: { type: 'layers', diff_ids: [ layerDigest ] },
		} )
	);
	const configHex = createHash( 'sha256' ).update( config ).digest( 'hex' );
	await addFile( outer, `${ configHex }.json`, config );
	await addFile(
		outer,
		'manifest.json',
		JSON.stringify( [
			{
				Config: `${ configHex }.json`,
				RepoTags: [ 'bench.test/large:1' ],
				Layers: [ 'layer/layer.tar' ],
			},
		] )
	);
	outer.finalize();
	await writing;
	return {
		file,
		layerDigest,
		configDigest: `sha256:${ configHex }`,
		layerSize,
	};
}

/**
 * Runs a command and samples its peak resident set (VmHWM) from /proc until it exits.
 *
 * @param {import('node:child_process').ChildProcess} child a just-spawned process
 * @return {Promise<{ code: number | null, peakRssBytes: number, stdout: string, stderr: string }>} exit code, peak RSS and output
 */
export async function watchPeakRss( child ) {
	let peakKiB = 0;
	const sample = () => {
		try {
			const status = readFileSync(
				`/proc/${ child.pid }/status`,
				'utf8'
			);
			const match = /^VmHWM:\s+(\d+) kB/m.exec( status );
			if ( match ) {
				peakKiB = Math.max( peakKiB, Number( match[ 1 ] ) );
			}
		} catch {
			// The process has exited between samples.
		}
	};
	const timer = setInterval( sample, 20 );
	const stdout = [];
	const stderr = [];
	child.stdout?.on( 'data', ( chunk ) => stdout.push( chunk ) );
	child.stderr?.on( 'data', ( chunk ) => stderr.push( chunk ) );
	// VmHWM only grows, so any sample after the peak sees it.
	const [ code ] = await once( child, 'close' );
	clearInterval( timer );
	return {
		code,
		peakRssBytes: peakKiB * 1024,
		stdout: Buffer.concat( stdout ).toString( 'utf8' ),
		stderr: Buffer.concat( stderr ).toString( 'utf8' ),
	};
}
