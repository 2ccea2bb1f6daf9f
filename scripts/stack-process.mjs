/**
 * The stack in the background: started detached by `node scripts/test-stack.mjs up`, it starts
 * every service as its own child, tells its parent when the stack is up (or why it is not),
 * and then stays to supervise the services until SIGTERM (`test-stack down`, `npm run stop`).
 *
 * Usage (not by hand): node scripts/stack-process.mjs '<JSON: config, coreDir, trivyPath, bridge>'
 */
import { StackError, step } from './lib/console.mjs';
import { startStack } from './lib/stack.mjs';
import { Supervisor } from './lib/supervisor.mjs';

const { config, coreDir, trivyPath, bridge } = JSON.parse( process.argv[ 2 ] );
const supervisor = new Supervisor( {
	dataDir: config.dataDir,
	report: ( line ) => step( line ),
} );
let stopping = false;
async function shutdown( signal ) {
	if ( stopping ) {
		return;
	}
	stopping = true;
	step( `${ signal }: stopping the stack` );
	await supervisor.stop();
	process.exit( 0 );
}
process.on( 'SIGTERM', () => shutdown( 'SIGTERM' ) );
process.on( 'SIGINT', () => shutdown( 'SIGINT' ) );

try {
	const stack = await startStack( {
		config,
		supervisor,
		coreDir,
		trivyPath,
		bridgeSettings: bridge?.settings,
		bridgeEntry: bridge?.entry,
	} );
	supervisor.supervise();
	process.send?.( { ready: true, stack } );
} catch ( error ) {
	process.send?.( {
		ready: false,
		message: error instanceof StackError ? error.message : error.stack,
	} );
	process.exitCode = 1;
}
// The parent goes away after start-up; the services' handles keep this process running.
process.disconnect?.();
