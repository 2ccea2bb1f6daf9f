/**
 * Builds the smallest docker-archive the console accepts: a ustar file holding
 * manifest.json and the image config it names. Enough for the browser-side check;
 * the real archives come from support/image-archives.ts.
 */

function header( name: string, size: number ): Uint8Array {
	const block = new Uint8Array( 512 );
	const put = ( offset: number, text: string ) =>
		block.set( new TextEncoder().encode( text ), offset );
	put( 0, name );
	put( 100, '0000644\0' );
	put( 108, '0000000\0' );
	put( 116, '0000000\0' );
	put( 124, size.toString( 8 ).padStart( 11, '0' ) + '\0' );
	put( 136, '00000000000\0' );
	put( 156, '0' );
	put( 257, 'ustar\u000000' );
	put( 148, '        ' );
	const sum = block.reduce( ( total, byte ) => total + byte, 0 );
	put( 148, sum.toString( 8 ).padStart( 6, '0' ) + '\0 ' );
	return block;
}

export function tarOf(
	files: Record< string, Uint8Array | string >
): Uint8Array< ArrayBuffer > {
	const chunks: Uint8Array[] = [];
	for ( const [ name, content ] of Object.entries( files ) ) {
		const body =
			typeof content === 'string'
				? new TextEncoder().encode( content )
				: content;
		chunks.push(
			header( name, body.length ),
			body,
			new Uint8Array( ( 512 - ( body.length % 512 ) ) % 512 )
		);
	}
	chunks.push( new Uint8Array( 1024 ) );
	const total = chunks.reduce( ( sum, chunk ) => sum + chunk.length, 0 );
	const out = new Uint8Array( total );
	let offset = 0;
	for ( const chunk of chunks ) {
		out.set( chunk, offset );
		offset += chunk.length;
	}
	return out;
}

/**
 * A docker-archive of the given size (padded with a filler layer) exposing the ports.
 *
 * @param options           Archive options.
 * @param options.ports     Exposed ports.
 * @param options.size      Approximate total size in bytes.
 * @param options.reference Image reference in RepoTags.
 */
export function dockerArchive( options: {
	ports: string[];
	size: number;
	reference: string;
} ) {
	const config = JSON.stringify( {
		os: 'linux',
		architecture: 'amd64',
		config: {
			ExposedPorts: Object.fromEntries(
				options.ports.map( ( port ) => [ port, {} ] )
			),
		},
	} );
	const layer = new Uint8Array( Math.max( 0, options.size - 4096 ) ).map(
		( _, index ) => index % 256
	);
	return tarOf( {
		'manifest.json': JSON.stringify( [
			{
				Config: 'config.json',
				RepoTags: [ options.reference ],
				Layers: [ 'layer.tar' ],
			},
		] ),
		'config.json': config,
		'layer.tar': layer,
	} );
}
