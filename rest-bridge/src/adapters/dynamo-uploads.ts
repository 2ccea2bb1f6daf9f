import type { UploadSession, UploadSessions } from '../uploads/sessions.js';
import type { DocumentStore } from './dynamo.js';

/** Upload sessions as items of the uploads table. */
export class DynamoUploadSessions implements UploadSessions {
	constructor(
		private readonly store: DocumentStore,
		private readonly table: string
	) {}

	async create( session: UploadSession ) {
		await this.store.put( this.table, { ...session } );
	}

	async get( uploadId: string ) {
		return ( await this.store.get( this.table, { uploadId } ) ) as
			UploadSession | undefined;
	}

	async claimCompletion( uploadId: string, jobId: string ) {
		return ( await this.store.update(
			this.table,
			{ uploadId },
			{
				update: 'SET jobId = :job, #status = :completing',
				condition: 'attribute_not_exists(jobId) AND #status = :open',
				names: { '#status': 'status' },
				values: {
					':job': jobId,
					':completing': 'completing',
					':open': 'open',
				},
			}
		) ) as UploadSession | undefined;
	}

	async abort( uploadId: string ) {
		const aborted = await this.store.update(
			this.table,
			{ uploadId },
			{
				update: 'SET #status = :aborted',
				condition: 'attribute_not_exists(jobId)',
				names: { '#status': 'status' },
				values: { ':aborted': 'aborted' },
			}
		);
		return aborted !== undefined;
	}

	async listCreatedBefore(
		cutoff: string,
		limit: number,
		next?: Record< string, unknown >
	) {
		const page = await this.store.scanBelow(
			this.table,
			'createdAt',
			cutoff,
			limit,
			next
		);
		return {
			sessions: page.items as unknown as UploadSession[],
			next: page.lastKey,
		};
	}

	remove( uploadId: string, status: UploadSession[ 'status' ] ) {
		return this.store.deleteIf(
			this.table,
			{ uploadId },
			{
				// A completion claims an open session by setting its job: then it is not abandoned.
				condition:
					status === 'open'
						? '#status = :status AND attribute_not_exists(jobId)'
						: '#status = :status',
				names: { '#status': 'status' },
				values: { ':status': status },
			}
		);
	}
}
