/**
 * Running commands: quietly, with their output shown only when they fail.
 */
import { spawn } from 'node:child_process';

import { StackError } from './console.mjs';

/**
 * Runs a command to completion and returns its stdout.
 *
 * @param {string}   command
 * @param {string[]} args
 * @param {Object}   [options]
 * @param {string}   [options.cwd]
 * @param {Object}   [options.env]
 * @param {string}   [options.input]        Written to stdin.
 * @param {boolean}  [options.inherit]      Show output live instead of capturing it.
 * @param {boolean}  [options.allowFailure] Resolve with the result instead of throwing.
 * @return {Promise<{code: number, stdout: string, stderr: string}>} The result.
 */
export function run( command, args, options = {} ) {
	return new Promise( ( resolve, reject ) => {
		const child = spawn( command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: [
				options.input === undefined ? 'ignore' : 'pipe',
				options.inherit ? 'inherit' : 'pipe',
				options.inherit ? 'inherit' : 'pipe',
			],
		} );
		let stdout = '';
		let stderr = '';
		child.stdout?.on( 'data', ( chunk ) => ( stdout += chunk ) );
		child.stderr?.on( 'data', ( chunk ) => ( stderr += chunk ) );
		child.on( 'error', ( error ) =>
			reject(
				new StackError(
					`Could not run ${ command }: ${ error.message }`
				)
			)
		);
		child.on( 'close', ( code ) => {
			const result = { code: code ?? 1, stdout, stderr };
			if ( code === 0 || options.allowFailure ) {
				resolve( result );
				return;
			}
			const output = `${ stdout }\n${ stderr }`
				.trim()
				.split( '\n' )
				.slice( -25 )
				.join( '\n' );
			reject(
				new StackError(
					`${ command } ${ args.join( ' ' ) } failed (exit ${ code }):\n${ output }`
				)
			);
		} );
		if ( child.stdin ) {
			// A program may exit without reading its input; that is its answer, not our error.
			child.stdin.on( 'error', () => {} );
			child.stdin.end( options.input );
		}
	} );
}

/**
 * Whether a program is on PATH.
 *
 * @param {string} program
 * @return {Promise<boolean>} True when found.
 */
export async function has( program ) {
	const result = await run( 'sh', [ '-c', `command -v ${ program }` ], {
		allowFailure: true,
	} );
	return result.code === 0;
}
