/**
 * Where the stack lives and which ports it uses, from the environment with embedded defaults.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'..',
	'..'
);

/** Each service's default port and the variable that overrides it. */
export const PORTS = {
	wordpress: { variable: 'ORBIT_WP_PORT', port: 8080, label: 'WordPress' },
	mariadb: { variable: 'ORBIT_MARIADB_PORT', port: 3307, label: 'MariaDB' },
	nats: { variable: 'ORBIT_NATS_PORT', port: 4222, label: 'NATS' },
	natsWebsocket: {
		variable: 'ORBIT_NATS_WS_PORT',
		port: 4223,
		label: 'NATS websocket',
	},
	s3: { variable: 'ORBIT_S3_PORT', port: 4568, label: 'S3 server' },
	dynamodb: {
		variable: 'ORBIT_DYNAMODB_PORT',
		port: 4567,
		label: 'DynamoDB server',
	},
	registry: {
		variable: 'ORBIT_REGISTRY_PORT',
		port: 5000,
		label: 'OCI registry',
	},
	gitops: {
		variable: 'ORBIT_GITOPS_PORT',
		port: 8418,
		label: 'GitOps repository',
	},
	bridge: { variable: 'ORBIT_BRIDGE_PORT', port: 8787, label: 'rest-bridge' },
};

/** The test run keeps clear of a running `npm start` by shifting every default port. */
export const TEST_PORT_OFFSET = 10000;

/**
 * Resolves the stack's settings.
 *
 * @param {Object} [options]
 * @param {string} [options.dataDir]    Defaults to ORBIT_DATA_DIR or .orbit.
 * @param {number} [options.portOffset] Added to every default port (variables still win).
 * @param {Object} [options.env]        The environment to read.
 * @return {Object} Settings.
 */
export function resolveConfig( options = {} ) {
	const env = options.env ?? process.env;
	const dataDir = path.resolve(
		repoRoot,
		options.dataDir ?? env.ORBIT_DATA_DIR ?? '.orbit'
	);
	const ports = {};
	for ( const [ name, { variable, port } ] of Object.entries( PORTS ) ) {
		const raw = env[ variable ];
		if ( raw === undefined || raw === '' ) {
			ports[ name ] = port + ( options.portOffset ?? 0 );
			continue;
		}
		const value = Number( raw );
		if ( ! Number.isInteger( value ) || value < 1 || value > 65535 ) {
			throw new Error(
				`${ variable }=${ raw } is not a port: use a whole number from 1 to 65535.`
			);
		}
		ports[ name ] = value;
	}
	return {
		dataDir,
		cacheDir: path.resolve(
			repoRoot,
			env.ORBIT_CACHE_DIR ?? '.orbit/cache'
		),
		wpCoreDir: env.WP_CORE_DIR
			? path.resolve( env.WP_CORE_DIR )
			: undefined,
		host: '127.0.0.1',
		ports,
	};
}
