/**
 * `npm run stop`: stops a stack left running in the background (ORBIT_DATA_DIR selects which).
 */
import { step } from './lib/console.mjs';
import { resolveConfig } from './lib/config.mjs';
import { stopStack } from './lib/supervisor.mjs';

const config = resolveConfig();
const stopped = await stopStack( config.dataDir );
step(
	stopped.length
		? `Stopped ${ stopped.join( ', ' ) }`
		: `Nothing was running from ${ config.dataDir }`
);
