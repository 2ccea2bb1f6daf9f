import type { ImageFacts } from './validate-archive.js';

/** The fields of ImageFacts a machine reader gets from `validate-image --json`. */
export function imageFactsJson( facts: ImageFacts ): Record< string, unknown > {
	return {
		format: facts.format,
		configDigest: facts.configDigest,
		...( facts.manifestDigest
			? { manifestDigest: facts.manifestDigest }
			: {} ),
		layers: facts.layers.map( ( { digest, diffId, size, mediaType } ) => ( {
			digest,
			diffId,
			size,
			mediaType,
		} ) ),
		repoTags: facts.repoTags,
		os: facts.os,
		architecture: facts.architecture,
		exposedPorts: facts.exposedPorts,
		entrypoint: facts.entrypoint,
		cmd: facts.cmd,
		env: facts.env,
		labels: facts.labels,
		totalSize: facts.totalSize,
	};
}

/** A short human report of a valid image. */
export function formatImageFacts( facts: ImageFacts ): string {
	const none = ( list: string[] ) =>
		list.length ? list.join( ', ' ) : '(none)';
	const lines = [
		`valid ${ facts.format }`,
		`  tags:          ${ none( facts.repoTags ) }`,
		`  platform:      ${ facts.os }/${ facts.architecture }`,
		`  exposed ports: ${ none( facts.exposedPorts ) }`,
		`  entrypoint:    ${ JSON.stringify( facts.entrypoint ) }  cmd: ${ JSON.stringify( facts.cmd ) }`,
		`  config:        ${ facts.configDigest }`,
		...( facts.manifestDigest
			? [ `  manifest:      ${ facts.manifestDigest }` ]
			: [] ),
		`  layers:        ${ facts.layers.length }, ${ facts.totalSize } bytes`,
		...facts.layers.map(
			( layer ) =>
				`    ${ layer.digest }  ${ layer.size } bytes  ${ layer.mediaType }`
		),
	];
	return `${ lines.join( '\n' ) }\n`;
}
