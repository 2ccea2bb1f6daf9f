/**
 * The OCI registry (Debian's docker-registry, the CNCF distribution) with filesystem storage.
 */
import fs from 'node:fs';
import path from 'node:path';

import { httpOk, waitUntil } from '../processes.mjs';

export async function startRegistry( { config, secrets, supervisor } ) {
	const dir = path.join( config.dataDir, 'registry' );
	fs.mkdirSync( path.join( dir, 'storage' ), { recursive: true } );
	const configFile = path.join( dir, 'config.yml' );
	// JSON is valid YAML, and quoting by JSON.stringify keeps paths safe.
	fs.writeFileSync(
		configFile,
		JSON.stringify(
			{
				version: 0.1,
				log: { level: 'warn', formatter: 'text' },
				storage: {
					filesystem: { rootdirectory: path.join( dir, 'storage' ) },
					delete: { enabled: true },
				},
				http: {
					addr: `${ config.host }:${ config.ports.registry }`,
					secret: secrets.registryHttpSecret,
				},
			},
			null,
			2
		)
	);
	const url = `http://${ config.host }:${ config.ports.registry }`;
	const service = supervisor.start( {
		name: 'registry',
		health: { url: `${ url }/v2/`, status: 200 },
		command: 'docker-registry',
		args: [ 'serve', configFile ],
	} );
	await waitUntil( {
		label: 'OCI registry',
		service,
		check: () => httpOk( `${ url }/v2/`, ( status ) => status === 200 ),
	} );
	return { url };
}
