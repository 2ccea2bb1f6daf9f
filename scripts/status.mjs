/**
 * `npm run status`: each service of the running stack (ORBIT_DATA_DIR selects which) with its
 * pid, uptime, restarts and whether its health check answers. Exits 1 when one does not.
 */
import { resolveConfig } from './lib/config.mjs';
import { formatStatus } from './lib/status.mjs';

const { text, healthy } = await formatStatus( resolveConfig().dataDir );
process.stdout.write( text );
process.exitCode = healthy ? 0 : 1;
