import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

import type { Actor } from '../events/event.js';
import { kustomizeBuild } from './kustomize.js';
import { renderNamespace, toYaml } from './manifests.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The deploy list keeps the latest entries; git history keeps every one. */
const MAX_DEPLOY_LIST_ENTRIES = 1000;

/** Where an environment's files live in the GitOps repository. */
export const gitopsPaths = {
	environment: ( environment: string ) => `environments/${ environment }`,
	app: ( environment: string, app: string ) =>
		`environments/${ environment }/apps/${ app }`,
	kustomization: ( environment: string ) =>
		`environments/${ environment }/kustomization.yaml`,
	namespace: ( environment: string ) =>
		`environments/${ environment }/namespace.yaml`,
	deployList: ( environment: string ) =>
		`environments/${ environment }/deploy-list.yaml`,
};

/** One line of the environment's deploy list (the original project's record of deploys). */
export interface DeployListEntry {
	action: 'deploy';
	app: string;
	revision: number;
	image: string;
	digest: string;
	actor: Actor;
	time: string;
	job: string;
}

export interface AppDeployment {
	environment: string;
	namespace: string;
	app: string;
	/** The app folder's files (renderAppFiles). */
	files: Record< string, string >;
	entry: DeployListEntry;
	/** A kustomize binary other than the bundled one. */
	kustomizeBinary?: string;
}

function checkName( kind: string, name: string ) {
	if ( ! DNS_LABEL.test( name ) ) {
		throw new Error( `${ kind } "${ name }" is not a DNS label` );
	}
}

async function readYaml( file: string ): Promise< unknown > {
	try {
		return parse( await readFile( file, 'utf8' ) );
	} catch ( error ) {
		if ( ( error as NodeJS.ErrnoException ).code === 'ENOENT' ) {
			return undefined;
		}
		throw error;
	}
}

/** The files of an app's folder as the checkout holds them ({} when it is not deployed). */
export async function readAppFiles(
	checkout: string,
	environment: string,
	app: string,
	names: readonly string[]
): Promise< Record< string, string > > {
	checkName( 'Environment', environment );
	checkName( 'App', app );
	const files: Record< string, string > = {};
	for ( const name of names ) {
		try {
			files[ name ] = await readFile(
				join( checkout, gitopsPaths.app( environment, app ), name ),
				'utf8'
			);
		} catch ( error ) {
			if ( ( error as NodeJS.ErrnoException ).code !== 'ENOENT' ) {
				throw error;
			}
		}
	}
	return files;
}

/**
 * Writes an app's deployment into a checkout of the GitOps repository: its
 * folder replaced by the new files, the folder listed in the environment's
 * kustomization next to the namespace, an entry added to the deploy list;
 * then proves the environment still builds with kustomize. Derives every
 * change from what the checkout holds, so it can run again on a newer head.
 *
 * @return the environment as kustomize renders it
 */
export async function writeAppDeployment(
	checkout: string,
	deployment: AppDeployment
): Promise< string > {
	const { environment, app } = deployment;
	checkName( 'Environment', environment );
	checkName( 'App', app );
	checkName( 'Namespace', deployment.namespace );
	const appDir = join( checkout, gitopsPaths.app( environment, app ) );
	await rm( appDir, { recursive: true, force: true } );
	await mkdir( appDir, { recursive: true } );
	for ( const [ name, text ] of Object.entries( deployment.files ) ) {
		if ( ! /^[a-z0-9-]+\.yaml$/.test( name ) ) {
			throw new Error( `"${ name }" is not a manifest file name` );
		}
		await writeFile( join( appDir, name ), text );
	}

	await writeFile(
		join( checkout, gitopsPaths.namespace( environment ) ),
		renderNamespace( deployment.namespace, environment )
	);

	const kustomizationFile = join(
		checkout,
		gitopsPaths.kustomization( environment )
	);
	const kustomization = ( ( await readYaml( kustomizationFile ) ) ??
		{} ) as Record< string, unknown >;
	const resources = Array.isArray( kustomization.resources )
		? ( kustomization.resources as unknown[] ).map( String )
		: [];
	for ( const wanted of [ 'namespace.yaml', `apps/${ app }` ] ) {
		if ( ! resources.includes( wanted ) ) {
			resources.push( wanted );
		}
	}
	await writeFile(
		kustomizationFile,
		toYaml( {
			apiVersion: 'kustomize.config.k8s.io/v1beta1',
			kind: 'Kustomization',
			...kustomization,
			resources,
		} )
	);

	const listFile = join( checkout, gitopsPaths.deployList( environment ) );
	const list = await readYaml( listFile );
	const entries = [
		...( Array.isArray( list ) ? list : [] ),
		deployment.entry,
	].slice( -MAX_DEPLOY_LIST_ENTRIES );
	await writeFile( listFile, toYaml( entries ) );

	return kustomizeBuild(
		join( checkout, gitopsPaths.environment( environment ) ),
		deployment.kustomizeBinary
	);
}
