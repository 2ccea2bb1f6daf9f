/**
 * Runs s3rver, the S3-compatible server used on one machine, until SIGTERM.
 * Usage: node s3-server.mjs --host H --port P --directory D
 */
import { parseArgs } from 'node:util';

import S3rver from 's3rver';

const { values } = parseArgs( {
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string' },
		directory: { type: 'string' },
	},
} );

const server = new S3rver( {
	address: values.host,
	port: Number( values.port ),
	directory: values.directory,
	silent: true,
} );

await server.run();
process.stdout.write(
	`s3rver listening on http://${ values.host }:${ values.port }\n`
);

const close = async () => {
	await server.close();
	process.exit( 0 );
};
process.on( 'SIGTERM', close );
process.on( 'SIGINT', close );
