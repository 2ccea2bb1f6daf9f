/**
 * archives-large.mjs with types. The helpers stay plain JavaScript so the
 * benchmark can run them without a build; this module gives tests their types.
 */
import type { ChildProcess } from 'node:child_process';

export interface LargeArchive {
	file: string;
	layerDigest: string;
	configDigest: string;
	layerSize: number;
}

export interface WatchedProcess {
	code: number | null;
	peakRssBytes: number;
	stdout: string;
	stderr: string;
}

interface LargeArchiveHelpers {
	writeLargeDockerArchive: (
		file: string,
		dataBytes: number
	) => Promise< LargeArchive >;
	watchPeakRss: ( child: ChildProcess ) => Promise< WatchedProcess >;
}

// A non-literal specifier: TypeScript takes the types from the interface above.
const specifier: string = './archives-large.mjs';
const helpers = ( await import( specifier ) ) as LargeArchiveHelpers;

export const { writeLargeDockerArchive, watchPeakRss } = helpers;
