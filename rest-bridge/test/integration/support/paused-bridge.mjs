/**
 * The bridge server with a pause before every job step and every event, so a
 * test can stop it inside a step. Run as `node paused-bridge.mjs <pause ms>`
 * with the environment of `dist/server.js`.
 */
const pauseMs = Number( process.argv[ 2 ] );
if ( ! Number.isInteger( pauseMs ) || pauseMs < 0 ) {
	process.stderr.write( 'usage: node paused-bridge.mjs <pause ms>\n' );
	process.exit( 2 );
}
const pause = () =>
	new Promise( ( resolve ) => setTimeout( resolve, pauseMs ) );
// The built bridge, as production runs it; only the hooks differ.
const { runServer } = await import(
	new URL( '../../../dist/serve.js', import.meta.url ).href
);
runServer( process.env, {
	jobHooks: { beforeStep: pause, beforeEvent: pause },
} );
