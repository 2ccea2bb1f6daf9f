/** Types of images.mjs for the TypeScript tests. */
export interface ImageSpec {
	/** Working folder; the OCI layout and layer sources go below it. */
	dir: string;
	/** One map per layer: absolute path in the image → content. */
	layers?: Array< Record< string, string | Uint8Array > >;
	config?: {
		os?: string;
		architecture?: string;
		/** E.g. "8080/tcp". */
		ports?: string[];
		env?: Record< string, string >;
		entrypoint?: string[];
		labels?: Record< string, string >;
	};
}

export interface ImageManifest {
	config: { digest: string; size: number };
	layers: Array< { digest: string; size: number; mediaType: string } >;
}

export function buildImage( spec: ImageSpec ): Promise< string >;
export function saveArchive(
	image: string,
	file: string,
	reference: string,
	format?: 'docker-archive' | 'oci-archive'
): Promise< string >;
export function inspectManifest( transportReference: string ): Promise< ImageManifest >;
