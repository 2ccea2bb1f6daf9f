import { ConfigError, loadConfig } from './config.js';
import { provision } from './provision.js';

/** A command: gets its arguments, returns the exit code. */
type Command = ( args: string[] ) => Promise< number >;

const commands: Record< string, { usage: string; run: Command } > = {
	provision: {
		usage: 'provision    create the buckets, tables and NATS streams the bridge needs (idempotent)',
		async run() {
			for ( const line of await provision( loadConfig( process.env ) ) ) {
				process.stdout.write( `${ line }\n` );
			}
			return 0;
		},
	},
};

function usage(): string {
	return `usage: orbit-bridge COMMAND [ARGS]\n\n${ Object.values( commands )
		.map( ( c ) => `  ${ c.usage }` )
		.join( '\n' ) }\n`;
}

/** Runs the command line; resolves to the process exit code. */
export async function runCli( argv: string[] ): Promise< number > {
	const [ name, ...args ] = argv;
	const command = name ? commands[ name ] : undefined;
	if ( ! command ) {
		process.stderr.write( usage() );
		return name ? 1 : 0;
	}
	try {
		return await command.run( args );
	} catch ( error ) {
		if ( error instanceof ConfigError ) {
			process.stderr.write( `${ error.message }\n` );
			return 2;
		}
		process.stderr.write( `orbit-bridge ${ name }: ${ ( error as Error ).message }\n` );
		return 1;
	}
}
