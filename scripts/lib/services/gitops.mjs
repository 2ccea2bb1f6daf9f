/**
 * The GitOps repository: a bare repository served over git's smart HTTP protocol, seeded on
 * the first run with the layout deploys write into (one folder per environment).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { repoRoot } from '../config.mjs';
import { run } from '../run.mjs';
import { startNodeService } from '../processes.mjs';

export const GITOPS_REPOSITORY = 'orbit-gitops.git';
/** The environments the stack runs (the bridge's and WordPress's defaults). */
export const ENVIRONMENTS = [ 'dev', 'test', 'prod' ];

const gitIdentity = {
	GIT_AUTHOR_NAME: 'k8or Orbit',
	GIT_AUTHOR_EMAIL: 'orbit@localhost',
	GIT_COMMITTER_NAME: 'k8or Orbit',
	GIT_COMMITTER_EMAIL: 'orbit@localhost',
};

async function seedRepository( bare ) {
	await run( 'git', [
		'init',
		'--quiet',
		'--bare',
		'--initial-branch=main',
		bare,
	] );
	await run( 'git', [ 'config', 'http.receivepack', 'true' ], { cwd: bare } );
	const work = fs.mkdtempSync( path.join( os.tmpdir(), 'orbit-gitops-' ) );
	try {
		await run( 'git', [
			'init',
			'--quiet',
			'--initial-branch=main',
			work,
		] );
		fs.writeFileSync(
			path.join( work, 'README.md' ),
			'# Orbit GitOps repository\n\nDesired state per environment, written by k8or Orbit and synced by Argo CD.\n'
		);
		for ( const environment of ENVIRONMENTS ) {
			const dir = path.join( work, 'environments', environment );
			fs.mkdirSync( dir, { recursive: true } );
			fs.writeFileSync(
				path.join( dir, 'kustomization.yaml' ),
				'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n'
			);
		}
		const env = { ...process.env, ...gitIdentity };
		await run( 'git', [ 'add', '.' ], { cwd: work, env } );
		await run(
			'git',
			[ 'commit', '--quiet', '-m', 'Start the GitOps repository' ],
			{ cwd: work, env }
		);
		await run( 'git', [ 'push', '--quiet', bare, 'main' ], {
			cwd: work,
			env,
		} );
	} finally {
		fs.rmSync( work, { recursive: true, force: true } );
	}
}

export async function startGitops( { config, supervisor } ) {
	const root = path.join( config.dataDir, 'gitops' );
	const bare = path.join( root, GITOPS_REPOSITORY );
	if ( ! fs.existsSync( path.join( bare, 'HEAD' ) ) ) {
		fs.mkdirSync( root, { recursive: true } );
		await seedRepository( bare );
	}
	const base = await startNodeService( {
		config,
		supervisor,
		name: 'gitops',
		label: 'GitOps repository',
		script: path.join(
			repoRoot,
			'scripts',
			'services',
			'git-http-server.mjs'
		),
		args: [ '--root', root ],
		readyUrl: `http://${ config.host }:${ config.ports.gitops }/${ GITOPS_REPOSITORY }/info/refs?service=git-upload-pack`,
		accept: ( status ) => status === 200,
	} );
	const url = `${ base }/${ GITOPS_REPOSITORY }`;
	return { url, path: bare };
}
