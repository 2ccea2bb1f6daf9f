import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

import type { ClusterObject } from '../adapters/cluster-client.js';
import { kustomizeBuild } from './kustomize.js';
import { renderNamespace } from './manifests.js';

/**
 * The objects of the app's folder as kustomize renders them (as Argo CD
 * would), after the environment's Namespace.
 */
export async function renderedObjects(
	files: Record< string, string >,
	namespace: string,
	environment: string,
	kustomizeBinary?: string
): Promise< ClusterObject[] > {
	const directory = await mkdtemp( join( tmpdir(), 'orbit-apply-' ) );
	try {
		for ( const [ name, text ] of Object.entries( files ) ) {
			await writeFile( join( directory, name ), text );
		}
		const rendered = await kustomizeBuild( directory, kustomizeBinary );
		return [ renderNamespace( namespace, environment ), rendered ].flatMap(
			( text ) =>
				parseAllDocuments( text )
					.map( ( document ) => document.toJS() as ClusterObject )
					.filter( Boolean )
		);
	} finally {
		await rm( directory, { recursive: true, force: true } );
	}
}
