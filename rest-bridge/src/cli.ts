import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { ImageValidationError } from './image/errors.js';
import type { TrivyReport } from './scan/report.js';

// Each command loads what it needs when it runs: loading every command's modules (the config
// schema, NATS keys, the scan rules) cost each run, validate-image included, a tenth of a CPU second.

/** A command: gets its arguments, returns the exit code. */
type Command = ( args: string[] ) => Promise< number >;

/** Exit codes shared by all commands (a command may give 1 a meaning of its own, like "blocked"). */
const EXIT = { ok: 0, failed: 1, invalidInput: 2, usage: 64 } as const;

/** Wrong arguments; the message says what to type instead. */
class UsageError extends Error {}

/** Parses a command's arguments; unknown options and missing operands are usage errors. */
function parseCommandArgs<
	O extends NonNullable< ParseArgsConfig[ 'options' ] >,
>( args: string[], options: O, operands: string[], usageLine: string ) {
	let parsed;
	try {
		parsed = parseArgs( {
			args,
			options,
			allowPositionals: true,
			strict: true,
		} );
	} catch ( error ) {
		throw new UsageError(
			`${ ( error as Error ).message }\nusage: orbit-bridge ${ usageLine }`
		);
	}
	if ( parsed.positionals.length !== operands.length ) {
		throw new UsageError(
			`expected ${ operands.join( ' ' ) }, got ${ parsed.positionals.length } operand(s)\nusage: orbit-bridge ${ usageLine }`
		);
	}
	return parsed;
}

async function readJsonFile( file: string, what: string ): Promise< string > {
	try {
		return await readFile( file, 'utf8' );
	} catch ( error ) {
		throw new UsageError(
			`cannot read the ${ what } "${ file }": ${ ( error as Error ).message }`
		);
	}
}

async function readTrivyReport( file: string ): Promise< TrivyReport > {
	const { parseTrivyReportText } = await import( './scan/report.js' );
	return parseTrivyReportText(
		await readJsonFile( file, 'Trivy report' ),
		`"${ file }"`
	);
}

const VALIDATE_USAGE = 'validate-image ARCHIVE [--json] [--image NAME]';
const SUMMARY_USAGE = 'scan-summary TRIVY_JSON [--json]';
const GATE_USAGE =
	'gate TRIVY_JSON --max-severity NONE|LOW|MEDIUM|HIGH|CRITICAL [--unknown-as SEVERITY] [--app NAME] [--exemptions FILE]';

const NATS_AUTH_USAGE = 'nats-auth DIRECTORY';

const commands: Record< string, { usage: string; run: Command } > = {
	'nats-auth': {
		usage: `${ NATS_AUTH_USAGE }    write new NATS operator-mode keys for one installation: auth.conf (NATS server) and account-seed (ORBIT_NATS_ACCOUNT_SEED), both owner-only`,
		run: async ( args ) => {
			const { positionals } = parseCommandArgs(
				args,
				{},
				[ 'DIRECTORY' ],
				NATS_AUTH_USAGE
			);
			const directory = positionals[ 0 ]!;
			const { generateNatsAuthKeys, natsServerAuthConfig } =
				await import( './nats-auth/server-auth.js' );
			const keys = generateNatsAuthKeys();
			await mkdir( directory, { recursive: true, mode: 0o700 } );
			// wx: never overwrite keys an installation already runs with.
			await writeFile(
				join( directory, 'auth.conf' ),
				await natsServerAuthConfig( keys ),
				{ mode: 0o600, flag: 'wx' }
			);
			await writeFile(
				join( directory, 'account-seed' ),
				keys.accountSeed,
				{
					mode: 0o600,
					flag: 'wx',
				}
			);
			process.stdout.write(
				`wrote ${ join( directory, 'auth.conf' ) } and ${ join(
					directory,
					'account-seed'
				) }; keep them secret (the operator seed is not kept: run this again for new keys)\n`
			);
			return EXIT.ok;
		},
	},
	provision: {
		usage: 'provision    create the buckets, tables and NATS streams the bridge needs (idempotent)',
		async run() {
			// Loaded on use: the cloud SDKs it needs would double every other command's memory.
			const [ { provision }, { loadConfig } ] = await Promise.all( [
				import( './provision.js' ),
				import( './config.js' ),
			] );
			for ( const line of await provision( loadConfig( process.env ) ) ) {
				process.stdout.write( `${ line }\n` );
			}
			return 0;
		},
	},
	'validate-image': {
		usage: `${ VALIDATE_USAGE }    check a docker-archive or OCI archive; exit 0 valid, 2 invalid, 1 could not check`,
		async run( args ) {
			const options = {
				json: { type: 'boolean' },
				image: { type: 'string' },
			} as const;
			const { positionals, values } = parseCommandArgs(
				args,
				options,
				[ 'ARCHIVE' ],
				VALIDATE_USAGE
			);
			const archive = positionals[ 0 ] as string;
			const [
				{ validateArchive },
				{ formatImageFacts, imageFactsJson },
			] = await Promise.all( [
				import( './image/validate-archive.js' ),
				import( './image/format.js' ),
			] );
			try {
				const facts = await validateArchive(
					{ path: archive },
					{},
					values.image ? { image: values.image } : {}
				);
				process.stdout.write(
					values.json
						? `${ JSON.stringify( imageFactsJson( facts ), null, 2 ) }\n`
						: formatImageFacts( facts )
				);
				return EXIT.ok;
			} catch ( error ) {
				if ( error instanceof ImageValidationError && values.json ) {
					process.stdout.write(
						`${ JSON.stringify( { error: { code: error.code, message: error.message } }, null, 2 ) }\n`
					);
				}
				throw error;
			}
		},
	},
	'scan-summary': {
		usage: `${ SUMMARY_USAGE }    count a Trivy JSON report's findings per severity`,
		async run( args ) {
			const { positionals, values } = parseCommandArgs(
				args,
				{ json: { type: 'boolean' } } as const,
				[ 'TRIVY_JSON' ],
				SUMMARY_USAGE
			);
			const [
				report,
				{ listFindings, summarizeReport },
				{ formatSummary },
			] = await Promise.all( [
				readTrivyReport( positionals[ 0 ] as string ),
				import( './scan/summary.js' ),
				import( './scan/format.js' ),
			] );
			const summary = summarizeReport( report );
			process.stdout.write(
				values.json
					? `${ JSON.stringify( summary, null, 2 ) }\n`
					: formatSummary( summary, listFindings( report ) )
			);
			return EXIT.ok;
		},
	},
	gate: {
		usage: `${ GATE_USAGE }    exit 0 if no finding is above the limit, 1 if blocked; UNKNOWN counts as --unknown-as (default CRITICAL) (exemptions: [{"id","app"?,"reason","by"?,"expires":"YYYY-MM-DD"}], expiry day inclusive, UTC)`,
		async run( args ) {
			const options = {
				'max-severity': { type: 'string' },
				exemptions: { type: 'string' },
				app: { type: 'string' },
				'unknown-as': { type: 'string' },
			} as const;
			const { positionals, values } = parseCommandArgs(
				args,
				options,
				[ 'TRIVY_JSON' ],
				GATE_USAGE
			);
			if ( ! values[ 'max-severity' ] ) {
				throw new UsageError(
					`--max-severity is required\nusage: orbit-bridge ${ GATE_USAGE }`
				);
			}
			const [
				{
					decideGate,
					GatePolicyError,
					parseExemptions,
					parseGateSeverity,
				},
				{ listFindings },
				{ formatGate },
				{ asSeverity },
			] = await Promise.all( [
				import( './scan/gate.js' ),
				import( './scan/summary.js' ),
				import( './scan/format.js' ),
				import( '@k8or-orbit/contract' ),
			] );
			const maxSeverity = parseGateSeverity( values[ 'max-severity' ] );
			const exemptionsFile = values.exemptions;
			let exemptions;
			if ( exemptionsFile ) {
				const text = await readJsonFile(
					exemptionsFile,
					'exemption list'
				);
				try {
					exemptions = parseExemptions(
						JSON.parse( text ),
						`"${ exemptionsFile }"`
					);
				} catch ( error ) {
					throw error instanceof SyntaxError
						? new GatePolicyError(
								`"${ exemptionsFile }" is not JSON: ${ error.message }`
							)
						: error;
				}
			}
			const report = await readTrivyReport( positionals[ 0 ] as string );
			const result = decideGate( {
				environment: 'cli',
				appName: values.app ?? 'cli',
				policy: {
					scanRequired: true,
					maxSeverity,
					...( values[ 'unknown-as' ]
						? {
								unknownSeverityAs: asSeverity(
									values[ 'unknown-as' ]
								),
							}
						: {} ),
					exemptions: exemptions ?? [],
				},
				scan: { status: 'scanned', findings: listFindings( report ) },
			} );
			process.stdout.write( formatGate( result, maxSeverity ) );
			return result.verdict.allowed ? EXIT.ok : EXIT.failed;
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
		process.stderr.write(
			`${ name ? `unknown command "${ name }"\n` : '' }${ usage() }`
		);
		return name ? EXIT.usage : EXIT.ok;
	}
	try {
		return await command.run( args );
	} catch ( error ) {
		const [ { ConfigError }, { TrivyReportError }, { GatePolicyError } ] =
			await Promise.all( [
				import( './config.js' ),
				import( './scan/report.js' ),
				import( './scan/gate.js' ),
			] );
		if ( error instanceof ConfigError ) {
			process.stderr.write( `${ error.message }\n` );
			return EXIT.invalidInput;
		}
		if ( error instanceof UsageError ) {
			process.stderr.write(
				`orbit-bridge ${ name }: ${ error.message }\n`
			);
			return EXIT.usage;
		}
		if ( error instanceof ImageValidationError ) {
			process.stderr.write(
				`invalid image archive: ${ error.code }: ${ error.message }\n`
			);
			return EXIT.invalidInput;
		}
		if (
			error instanceof TrivyReportError ||
			error instanceof GatePolicyError
		) {
			process.stderr.write(
				`orbit-bridge ${ name }: ${ error.message }\n`
			);
			return EXIT.invalidInput;
		}
		process.stderr.write(
			`orbit-bridge ${ name }: ${ ( error as Error ).message }\n`
		);
		return EXIT.failed;
	}
}
