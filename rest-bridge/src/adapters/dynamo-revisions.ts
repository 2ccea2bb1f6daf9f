import type { Actor } from '../events/event.js';
import type { DocumentStore, Item } from './dynamo.js';

export type RevisionStatus = 'pending' | 'committed' | 'failed';

/** One deploy of an app to an environment, numbered 1, 2, 3 … per app and environment. */
export interface Revision {
	revision: number;
	app: string;
	environment: string;
	jobId: string;
	version?: string;
	image?: { reference: string; digest: string; configDigest: string };
	inputs: Record< string, unknown >;
	/** File name → YAML, as committed to the GitOps repository. */
	manifests?: Record< string, string >;
	actor: Actor;
	createdAt: string;
	status: RevisionStatus;
	commit?: string;
	rolledBackFrom?: number;
	message?: string;
}

export interface NewRevision {
	app: string;
	environment: string;
	jobId: string;
	version?: string;
	inputs: Record< string, unknown >;
	actor: Actor;
	rolledBackFrom?: number;
}

/** Revisions scanned for the job's own before a new number is taken. */
const OWN_REVISION_WINDOW = 20;
const MAX_ALLOCATION_ATTEMPTS = 50;

const scopeOf = ( app: string, environment: string ) =>
	`${ app }#${ environment }`;

/** Sort key of the item that says which job deploys the app to the environment now. */
const LOCK = 0;

function fromItem( item: Item ): Revision {
	const { scope: _scope, ...revision } = item;
	return revision as unknown as Revision;
}

/**
 * Revisions in DynamoDB: partition `scope` = "<app>#<environment>", sort key
 * `revision`. A number is taken with a conditional put of the next item (no
 * transactions: the put fails when another deploy took that number first,
 * and the next one is tried).
 */
export class RevisionStore {
	constructor(
		private readonly store: DocumentStore,
		private readonly table: string
	) {}

	/**
	 * Takes the next revision number for a job, or returns the one the job
	 * already took (a repeated request, a resumed job).
	 */
	async allocate( request: NewRevision ): Promise< Revision > {
		const scope = scopeOf( request.app, request.environment );
		for ( let attempt = 0; attempt < MAX_ALLOCATION_ATTEMPTS; attempt++ ) {
			const { items } = await this.store.query( this.table, {
				keyName: 'scope',
				keyValue: scope,
				limit: OWN_REVISION_WINDOW,
				newestFirst: true,
			} );
			const own = items.find( ( item ) => item.jobId === request.jobId );
			if ( own ) {
				return fromItem( own );
			}
			const revision: Revision = {
				...request,
				revision: Number( items[ 0 ]?.revision ?? 0 ) + 1,
				createdAt: new Date().toISOString(),
				status: 'pending',
			};
			if (
				await this.store.putIfAbsent(
					this.table,
					{ scope, ...revision },
					'scope'
				)
			) {
				return revision;
			}
		}
		throw new Error(
			`No revision number could be taken for ${ scope } after ${ MAX_ALLOCATION_ATTEMPTS } attempts`
		);
	}

	async get(
		app: string,
		environment: string,
		revision: number
	): Promise< Revision | undefined > {
		const item = await this.store.get( this.table, {
			scope: scopeOf( app, environment ),
			revision,
		} );
		return item ? fromItem( item ) : undefined;
	}

	/** Newest first. */
	async list(
		app: string,
		environment: string,
		limit = 100
	): Promise< Revision[] > {
		const { items } = await this.store.query( this.table, {
			keyName: 'scope',
			keyValue: scopeOf( app, environment ),
			limit,
			newestFirst: true,
		} );
		return items
			.filter( ( item ) => Number( item.revision ) !== LOCK )
			.map( fromItem );
	}

	/** The newest revision that reached the GitOps repository. */
	async current(
		app: string,
		environment: string
	): Promise< Revision | undefined > {
		return ( await this.list( app, environment ) ).find(
			( revision ) => revision.status === 'committed'
		);
	}

	/**
	 * Claims the right to deploy the app to the environment for a job: one
	 * deploy at a time per app and environment. True when the job holds it
	 * (also when it already did); false when another job does, unless that job
	 * is one `finished` says has ended (then its claim is taken over).
	 */
	async claimDeploy(
		app: string,
		environment: string,
		jobId: string,
		finished: ( holder: string ) => Promise< boolean >
	): Promise< { claimed: boolean; holder?: string } > {
		const key = { scope: scopeOf( app, environment ), revision: LOCK };
		const names = { '#holder': 'holder' };
		const take = ( condition: string, values: Record< string, unknown > ) =>
			this.store.update( this.table, key, {
				update: 'SET #holder = :me, #since = :now',
				condition,
				names: { ...names, '#since': 'since' },
				values: {
					':me': jobId,
					':now': new Date().toISOString(),
					...values,
				},
			} );
		if (
			await take( 'attribute_not_exists(#holder) OR #holder = :me', {} )
		) {
			return { claimed: true };
		}
		const holder = String(
			( await this.store.get( this.table, key ) )?.holder ?? ''
		);
		if ( holder && ( await finished( holder ) ) ) {
			if ( await take( '#holder = :old', { ':old': holder } ) ) {
				return { claimed: true };
			}
		}
		return { claimed: false, holder };
	}

	/** Gives up the job's claim; nothing when another job holds it. */
	async releaseDeploy( app: string, environment: string, jobId: string ) {
		await this.store.update(
			this.table,
			{ scope: scopeOf( app, environment ), revision: LOCK },
			{
				update: 'REMOVE #holder, #since',
				condition: '#holder = :me',
				names: { '#holder': 'holder', '#since': 'since' },
				values: { ':me': jobId },
			}
		);
	}

	/** Records the image and manifests the job rendered for its revision. */
	async saveRendered(
		app: string,
		environment: string,
		revision: number,
		rendered: Required< Pick< Revision, 'image' | 'manifests' > >
	): Promise< void > {
		await this.store.update(
			this.table,
			{ scope: scopeOf( app, environment ), revision },
			{
				update: 'SET #image = :image, #manifests = :manifests',
				names: { '#image': 'image', '#manifests': 'manifests' },
				values: {
					':image': rendered.image,
					':manifests': rendered.manifests,
				},
			}
		);
	}

	/** Marks the revision committed (with its commit) or failed; a committed one stays committed. */
	async finish(
		app: string,
		environment: string,
		revision: number,
		outcome:
			| { status: 'committed'; commit: string }
			| { status: 'failed'; message: string }
	): Promise< boolean > {
		const key = { scope: scopeOf( app, environment ), revision };
		const updated =
			outcome.status === 'committed'
				? await this.store.update( this.table, key, {
						update: 'SET #status = :status, #commit = :commit',
						condition: 'attribute_exists(#scope)',
						names: {
							'#status': 'status',
							'#commit': 'commit',
							'#scope': 'scope',
						},
						values: {
							':status': outcome.status,
							':commit': outcome.commit,
						},
					} )
				: await this.store.update( this.table, key, {
						update: 'SET #status = :status, #message = :message',
						condition:
							'attribute_exists(#scope) AND #status <> :committed',
						names: {
							'#status': 'status',
							'#message': 'message',
							'#scope': 'scope',
						},
						values: {
							':status': outcome.status,
							':message': outcome.message,
							':committed': 'committed',
						},
					} );
		return updated !== undefined;
	}
}
