import { TrivyRunner } from '../scan/trivy-runner.js';
import type { BridgeConfig } from '../config.js';

export type TrivyReport = Awaited< ReturnType< TrivyRunner[ 'scanArchive' ] > >;

export type ScanOutcome =
	| { status: 'scanned'; report: TrivyReport; scanner: string }
	| { status: 'unavailable'; reason: string };

/** The image scanner. Without one configured, scans end `unavailable`, never passed. */
export interface ImageScanner {
	readonly configured: boolean;
	/** The scanner's version, or the reason there is none. */
	describe: () => Promise< string >;
	scan: ( archivePath: string ) => Promise< ScanOutcome >;
}

export const NO_SCANNER_REASON =
	'no scanner configured: set ORBIT_TRIVY_PATH (and optionally ORBIT_TRIVY_SERVER_URL) on the bridge';

export class TrivyScanner implements ImageScanner {
	private readonly runner: TrivyRunner | undefined;
	private versionText: string | undefined;

	constructor( config: BridgeConfig[ 'trivy' ] ) {
		this.runner = config.path
			? new TrivyRunner( {
					path: config.path,
					serverUrl: config.serverUrl,
					timeoutMs: config.timeoutMs,
				} )
			: undefined;
	}

	get configured() {
		return this.runner !== undefined;
	}

	async describe() {
		if ( ! this.runner ) {
			return 'not configured';
		}
		this.versionText ??= await this.runner.version();
		return this.versionText;
	}

	async scan( archivePath: string ): Promise< ScanOutcome > {
		if ( ! this.runner ) {
			return { status: 'unavailable', reason: NO_SCANNER_REASON };
		}
		const scanner = `trivy ${ await this.describe() }`;
		return {
			status: 'scanned',
			report: await this.runner.scanArchive( archivePath ),
			scanner,
		};
	}
}
