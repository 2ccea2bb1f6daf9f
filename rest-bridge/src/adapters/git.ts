import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The commit trailer that ties a commit to the job that made it. */
export const JOB_TRAILER = 'Orbit-Job';

const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** What git prints when another push moved the branch first. */
const MOVED_ON =
	/non-fast-forward|fetch first|\[rejected\]|failed to (?:update|lock) ref|cannot lock ref|stale info/i;

export interface GitIdentity {
	name: string;
	email: string;
}

export interface JobCommitRequest {
	jobId: string;
	/** First line of the commit message. */
	subject: string;
	/** Further lines ("App: hello-web" …); the job trailer is added after them. */
	details: string[];
	/**
	 * Writes the change into a checkout of the branch head. Runs again on the
	 * new head when another push got there first, so it must derive the change
	 * from what it finds, never from an earlier run.
	 */
	apply: ( checkout: string ) => Promise< void >;
}

export interface JobCommit {
	commit: string;
	/** False when the job's commit was already on the branch (a resumed job). */
	created: boolean;
	/** Pushes it took (more than one when other commits landed in between). */
	attempts: number;
}

export class GitError extends Error {
	constructor(
		message: string,
		readonly stderr = ''
	) {
		super( message );
		this.name = 'GitError';
	}
}

/**
 * The GitOps repository, worked on with the git CLI over HTTP(S): a fresh
 * clone in a temporary directory per job, one commit per job carrying the
 * job id as a trailer, pushed; when the branch moved meanwhile, the change is
 * applied again on the new head and pushed again.
 */
export class GitOpsRepository {
	private readonly branch: string;
	private readonly maxAttempts: number;
	private readonly timeoutMs: number;

	constructor(
		private readonly options: {
			url: string;
			identity: GitIdentity;
			branch?: string;
			maxAttempts?: number;
			timeoutMs?: number;
			/** Where checkouts are made (the system temp directory by default). */
			workRoot?: string;
		}
	) {
		this.branch = options.branch ?? 'main';
		this.maxAttempts = options.maxAttempts ?? 10;
		this.timeoutMs = options.timeoutMs ?? 120_000;
	}

	private git( args: string[], cwd?: string ) {
		const { identity } = this.options;
		return new Promise< string >( ( resolve, reject ) => {
			execFile(
				'git',
				args,
				{
					cwd,
					timeout: this.timeoutMs,
					maxBuffer: 16 * 1024 * 1024,
					env: {
						PATH: process.env.PATH,
						// No user or system configuration, no prompts: the same behaviour everywhere.
						HOME: cwd ?? tmpdir(),
						GIT_CONFIG_NOSYSTEM: '1',
						GIT_TERMINAL_PROMPT: '0',
						GIT_AUTHOR_NAME: identity.name,
						GIT_AUTHOR_EMAIL: identity.email,
						GIT_COMMITTER_NAME: identity.name,
						GIT_COMMITTER_EMAIL: identity.email,
					},
				},
				( error, stdout, stderr ) => {
					if ( error ) {
						reject(
							new GitError(
								`git ${ args[ 0 ] } failed: ${ stderr.trim() || error.message }`,
								stderr
							)
						);
						return;
					}
					resolve( stdout.trim() );
				}
			);
		} );
	}

	/** The branch head, read from the server (readiness checks, tests). */
	async head(): Promise< string | undefined > {
		const out = await this.git( [
			'ls-remote',
			this.options.url,
			`refs/heads/${ this.branch }`,
		] );
		return out.split( /\s+/ )[ 0 ] || undefined;
	}

	/** Runs `work` on a fresh clone of the branch head; the clone is removed afterwards. */
	async withCheckout< T >(
		work: ( checkout: string ) => Promise< T >
	): Promise< T > {
		const dir = await mkdtemp(
			join( this.options.workRoot ?? tmpdir(), 'orbit-gitops-' )
		);
		const checkout = join( dir, 'repo' );
		try {
			await this.git( [
				'clone',
				'--quiet',
				'--no-tags',
				'--single-branch',
				'--branch',
				this.branch,
				this.options.url,
				checkout,
			] );
			return await work( checkout );
		} finally {
			await rm( dir, { recursive: true, force: true } );
		}
	}

	/** The commit on the branch that carries the job's trailer, if any. */
	private async findJobCommit( checkout: string, jobId: string ) {
		const found = await this.git(
			[
				'log',
				'--format=%H',
				'-1',
				`--grep=^${ JOB_TRAILER }: ${ jobId }$`,
				`origin/${ this.branch }`,
			],
			checkout
		);
		return found || undefined;
	}

	/**
	 * Makes the job's one commit and pushes it, or finds it when an earlier
	 * run of the job already pushed it.
	 */
	async commitForJob( request: JobCommitRequest ): Promise< JobCommit > {
		if ( ! JOB_ID.test( request.jobId ) ) {
			throw new GitError( `"${ request.jobId }" is not a job id` );
		}
		return this.withCheckout( async ( checkout ) => {
			const messageFile = join( checkout, '..', 'message' );
			await writeFile(
				messageFile,
				[
					request.subject,
					'',
					...request.details,
					'',
					`${ JOB_TRAILER }: ${ request.jobId }`,
					'',
				].join( '\n' )
			);
			for ( let attempt = 1; attempt <= this.maxAttempts; attempt++ ) {
				const existing = await this.findJobCommit(
					checkout,
					request.jobId
				);
				if ( existing ) {
					return {
						commit: existing,
						created: false,
						attempts: attempt - 1,
					};
				}
				await this.git(
					[ 'reset', '--quiet', '--hard', `origin/${ this.branch }` ],
					checkout
				);
				await this.git( [ 'clean', '--quiet', '-fdx' ], checkout );
				await request.apply( checkout );
				await this.git( [ 'add', '--all' ], checkout );
				// One commit per job, even when the files already say what it wanted.
				await this.git(
					[
						'commit',
						'--quiet',
						'--allow-empty',
						'--file',
						messageFile,
					],
					checkout
				);
				try {
					await this.git(
						[
							'push',
							'--quiet',
							'origin',
							`HEAD:refs/heads/${ this.branch }`,
						],
						checkout
					);
					return {
						commit: await this.git(
							[ 'rev-parse', 'HEAD' ],
							checkout
						),
						created: true,
						attempts: attempt,
					};
				} catch ( error ) {
					if (
						! ( error instanceof GitError ) ||
						! MOVED_ON.test( error.stderr )
					) {
						throw error;
					}
				}
				// Another commit landed first: take the new head and apply the change on it.
				await this.git(
					[ 'fetch', '--quiet', 'origin', this.branch ],
					checkout
				);
				await new Promise( ( resolve ) =>
					setTimeout( resolve, Math.random() * 100 * attempt )
				);
			}
			throw new GitError(
				`The GitOps branch ${ this.branch } kept moving: ${ this.maxAttempts } pushes were overtaken by others. Deploy again.`
			);
		} );
	}
}
