import { spawn } from 'node:child_process';

import { parseTrivyReportText, type TrivyReport } from './report.js';

export interface TrivyRunnerOptions {
	/** The trivy executable. */
	path: string;
	/** A Trivy server to scan through (client mode, `--server URL`). */
	serverUrl?: string;
	/** Time limit for one run; the process is killed when it is reached. */
	timeoutMs: number;
}

/** A Trivy run that failed; the message carries Trivy's own explanation. */
export class TrivyError extends Error {
	constructor(
		message: string,
		readonly reason: 'exit' | 'timeout' | 'spawn' | 'output'
	) {
		super( message );
		this.name = 'TrivyError';
	}
}

/** A report of a large image can be tens of MiB; anything beyond this is not a report. */
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
/** Only the end of stderr is kept: that is where Trivy writes the fatal error. */
const STDERR_TAIL_BYTES = 16 * 1024;

interface RunOutput {
	stdout: string;
}

/** Runs the real Trivy CLI. */
export class TrivyRunner {
	constructor( private readonly options: TrivyRunnerOptions ) {}

	/** Trivy's version, e.g. "0.58.1". */
	async version(): Promise< string > {
		const { stdout } = await this.run( [ '--version' ] );
		const match = /^Version:\s*(\S+)/m.exec( stdout );
		if ( ! match?.[ 1 ] ) {
			throw new TrivyError(
				`"${ this.options.path } --version" printed no "Version:" line; is it Trivy?`,
				'output'
			);
		}
		return match[ 1 ];
	}

	/** Scans an image archive (docker-archive or OCI archive) and returns Trivy's JSON report. */
	async scanArchive( file: string ): Promise< TrivyReport > {
		const args = [
			'image',
			'--input',
			file,
			'--format',
			'json',
			'--quiet',
		];
		if ( this.options.serverUrl ) {
			args.push( '--server', this.options.serverUrl );
		}
		const { stdout } = await this.run( args );
		return parseTrivyReportText( stdout, "Trivy's output" );
	}

	private run( args: string[] ): Promise< RunOutput > {
		const { path, timeoutMs } = this.options;
		const command = [ path, ...args ].join( ' ' );
		return new Promise( ( resolve, reject ) => {
			// Own process group, so a timeout also ends anything Trivy started.
			const child = spawn( path, args, {
				stdio: [ 'ignore', 'pipe', 'pipe' ],
				detached: true,
			} );
			const stdout: Buffer[] = [];
			let stdoutBytes = 0;
			let stderr = Buffer.alloc( 0 );
			let failure: TrivyError | undefined;

			const stop = ( error: TrivyError ) => {
				failure ??= error;
				try {
					process.kill( -( child.pid ?? 0 ), 'SIGKILL' );
				} catch {
					// Already gone.
				}
			};
			const timer = setTimeout(
				() =>
					stop(
						new TrivyError(
							`${ command } did not finish within ${ timeoutMs } ms and was stopped.`,
							'timeout'
						)
					),
				timeoutMs
			);

			child.stdout.on( 'data', ( chunk: Buffer ) => {
				stdoutBytes += chunk.length;
				if ( stdoutBytes > MAX_STDOUT_BYTES ) {
					stop(
						new TrivyError(
							`${ command } wrote more than ${ MAX_STDOUT_BYTES } bytes of output.`,
							'output'
						)
					);
					return;
				}
				stdout.push( chunk );
			} );
			child.stderr.on( 'data', ( chunk: Buffer ) => {
				stderr = Buffer.concat( [ stderr, chunk ] );
				if ( stderr.length > STDERR_TAIL_BYTES ) {
					stderr = stderr.subarray(
						stderr.length - STDERR_TAIL_BYTES
					);
				}
			} );
			child.on( 'error', ( error ) => {
				clearTimeout( timer );
				reject(
					new TrivyError(
						`Cannot run ${ path }: ${ error.message }. Check ORBIT_TRIVY_PATH.`,
						'spawn'
					)
				);
			} );
			child.on( 'close', ( code, signal ) => {
				clearTimeout( timer );
				if ( failure ) {
					reject( failure );
				} else if ( code !== 0 ) {
					const lines = stderr
						.toString( 'utf8' )
						.trim()
						.split( '\n' )
						.filter( Boolean );
					const message =
						lines.slice( -3 ).join( ' | ' ) ||
						`no message (${ signal ? `signal ${ signal }` : `exit code ${ code }` })`;
					reject(
						new TrivyError(
							`${ command } failed: ${ message }`,
							'exit'
						)
					);
				} else {
					resolve( {
						stdout: Buffer.concat( stdout ).toString( 'utf8' ),
					} );
				}
			} );
		} );
	}
}
