import {
	deadLetterId,
	keptAnswer,
	type DeadLetter,
	type DeadLetters,
	type NewDeadLetter,
} from '../events/dead-letters.js';
import type { DocumentStore } from './dynamo.js';

/** Every letter sits in one partition, sorted by its id (refusal time first). */
const QUEUE = 'wordpress-callbacks';

/** Refused callbacks as items of the dead-letters table. */
export class DynamoDeadLetters implements DeadLetters {
	constructor(
		private readonly store: DocumentStore,
		private readonly table: string
	) {}

	async add( letter: NewDeadLetter, at: Date ) {
		const stored: DeadLetter = {
			...letter,
			answer: keptAnswer( letter.answer ),
			letterId: deadLetterId( letter, at ),
			status: 'refused',
			refusals: 1,
			refusedAt: at.toISOString(),
		};
		await this.store.put( this.table, { queue: QUEUE, ...stored } );
		return stored;
	}

	async get( letterId: string ) {
		const item = await this.store.get( this.table, {
			queue: QUEUE,
			letterId,
		} );
		return item ? letterOf( item ) : undefined;
	}

	async list( limit: number ) {
		const { items } = await this.store.query( this.table, {
			keyName: 'queue',
			keyValue: QUEUE,
			limit,
			newestFirst: true,
		} );
		return items.map( letterOf );
	}

	async delivered( letterId: string, at: string ) {
		return this.change( letterId, {
			update: 'SET #status = :delivered, deliveredAt = :at',
			names: { '#status': 'status' },
			values: { ':delivered': 'delivered', ':at': at },
		} );
	}

	async refusedAgain(
		letterId: string,
		httpStatus: number,
		answer: string,
		at: string
	) {
		return this.change( letterId, {
			update: 'SET httpStatus = :status, answer = :answer, refusedAt = :at ADD refusals :one',
			values: {
				':status': httpStatus,
				':answer': keptAnswer( answer ),
				':at': at,
				':one': 1,
			},
		} );
	}

	private async change(
		letterId: string,
		expression: {
			update: string;
			names?: Record< string, string >;
			values: Record< string, unknown >;
		}
	) {
		const item = await this.store.update(
			this.table,
			{ queue: QUEUE, letterId },
			{ ...expression, condition: 'attribute_exists(letterId)' }
		);
		return item ? letterOf( item ) : undefined;
	}
}

function letterOf( item: Record< string, unknown > ): DeadLetter {
	const letter = { ...item };
	delete letter.queue;
	return letter as unknown as DeadLetter;
}
