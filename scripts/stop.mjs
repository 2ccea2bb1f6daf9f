/**
 * `npm run stop`: stops a stack left running in the background (ORBIT_DATA_DIR selects which).
 */
import { step } from './lib/console.mjs';
import { resolveConfig } from './lib/config.mjs';
import { stopAll } from './lib/processes.mjs';

const config = resolveConfig();
const stopped = await stopAll( config.dataDir );
step(
	stopped.length
		? `Stopped ${ stopped.join( ', ' ) }`
		: `Nothing was running from ${ config.dataDir }`
);
