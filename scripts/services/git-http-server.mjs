/**
 * Serves bare git repositories over git's smart HTTP protocol by running `git http-backend`
 * as a CGI program for each request. Usage: node git-http-server.mjs --host H --port P --root DIR
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs( {
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string' },
		root: { type: 'string' },
	},
} );

/** Only paths git's protocol uses, under a repository named *.git, never "..". */
const GIT_PATH =
	/^\/[A-Za-z0-9._-]+\.git\/(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+)$/;

const server = http.createServer( ( request, response ) => {
	const url = new URL( request.url ?? '/', 'http://git.invalid' );
	if ( ! GIT_PATH.test( url.pathname ) || url.pathname.includes( '..' ) ) {
		response
			.writeHead( 404, { 'Content-Type': 'text/plain' } )
			.end( 'Not a git repository path.\n' );
		return;
	}
	const backend = spawn( 'git', [ 'http-backend' ], {
		env: {
			PATH: process.env.PATH,
			GIT_PROJECT_ROOT: values.root,
			GIT_HTTP_EXPORT_ALL: '1',
			PATH_INFO: url.pathname,
			QUERY_STRING: url.search.slice( 1 ),
			REQUEST_METHOD: request.method,
			CONTENT_TYPE: request.headers[ 'content-type' ] ?? '',
			CONTENT_LENGTH: request.headers[ 'content-length' ] ?? '',
			HTTP_CONTENT_ENCODING: request.headers[ 'content-encoding' ] ?? '',
			GIT_PROTOCOL: request.headers[ 'git-protocol' ] ?? '',
			REMOTE_ADDR: request.socket.remoteAddress ?? '',
			REMOTE_USER: 'orbit',
		},
	} );
	request.pipe( backend.stdin );
	backend.stderr.pipe( process.stderr );

	// CGI output: headers, a blank line, then the body.
	let head = Buffer.alloc( 0 );
	let headersSent = false;
	backend.stdout.on( 'data', ( chunk ) => {
		if ( headersSent ) {
			response.write( chunk );
			return;
		}
		head = Buffer.concat( [ head, chunk ] );
		const end = head.indexOf( '\r\n\r\n' );
		if ( end === -1 ) {
			return;
		}
		let status = 200;
		const headers = {};
		for ( const line of head
			.subarray( 0, end )
			.toString( 'latin1' )
			.split( '\r\n' ) ) {
			const colon = line.indexOf( ':' );
			const name = line.slice( 0, colon ).trim();
			const value = line.slice( colon + 1 ).trim();
			if ( name.toLowerCase() === 'status' ) {
				status = Number.parseInt( value, 10 );
			} else {
				headers[ name ] = value;
			}
		}
		response.writeHead( status, headers );
		headersSent = true;
		response.write( head.subarray( end + 4 ) );
	} );
	backend.on( 'close', ( code ) => {
		if ( ! headersSent ) {
			response.writeHead( 500, { 'Content-Type': 'text/plain' } );
			response.write( `git http-backend failed (exit ${ code }).\n` );
		}
		response.end();
	} );
	backend.on( 'error', () => response.destroy() );
} );

server.listen( Number( values.port ), values.host, () => {
	process.stdout.write(
		`git smart HTTP on http://${ values.host }:${ values.port }/ serving ${ values.root }\n`
	);
} );

const close = () => server.close( () => process.exit( 0 ) );
process.on( 'SIGTERM', close );
process.on( 'SIGINT', close );
