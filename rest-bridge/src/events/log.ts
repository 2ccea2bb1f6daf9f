import type { DocumentStore, Item } from '../adapters/dynamo.js';
import type { BridgeEvent } from './event.js';

export const APP_INDEX = 'by-app';

export interface EventPage {
	items: BridgeEvent[];
	nextCursor: string | null;
}

export class CursorError extends Error {
	constructor() {
		super(
			'The cursor is not one this API handed out; start again without it.'
		);
		this.name = 'CursorError';
	}
}

function encodeCursor( key: Item | undefined ): string | null {
	return key
		? Buffer.from( JSON.stringify( key ) ).toString( 'base64url' )
		: null;
}

function decodeCursor(
	cursor: string | undefined,
	fields: string[]
): Item | undefined {
	if ( ! cursor ) {
		return undefined;
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(
			Buffer.from( cursor, 'base64url' ).toString( 'utf8' )
		);
	} catch {
		throw new CursorError();
	}
	if ( ! parsed || typeof parsed !== 'object' || Array.isArray( parsed ) ) {
		throw new CursorError();
	}
	const entries = Object.entries( parsed as Item );
	const valid =
		entries.length === fields.length &&
		entries.every(
			( [ key, value ] ) =>
				fields.includes( key ) &&
				( typeof value === 'string' || typeof value === 'number' )
		);
	if ( ! valid ) {
		throw new CursorError();
	}
	return parsed as Item;
}

/** Sort key of the per-app index: time first, so a query reads newest first. */
function appOrder( event: BridgeEvent ): string {
	return `${ event.time }#${ event.jobId }#${ String( event.seq ).padStart( 6, '0' ) }`;
}

function toEvent( item: Item ): BridgeEvent {
	const { appOrder: _order, ...event } = item;
	return event as unknown as BridgeEvent;
}

/**
 * The durable event log: every event in `<prefix>events`, failures also in
 * `<prefix>errors`. Writes are put-if-absent on (jobId, seq), so writing an
 * event twice keeps the first.
 */
export class EventLog {
	constructor(
		private readonly store: DocumentStore,
		private readonly eventsTable: string,
		private readonly errorsTable: string
	) {}

	/** Records the event unless its seq is taken; returns the stored event. */
	async record( event: BridgeEvent ): Promise< BridgeEvent > {
		const item = { ...event, appOrder: appOrder( event ) };
		const created = await this.store.putIfAbsent(
			this.eventsTable,
			item,
			'jobId'
		);
		const stored = created
			? event
			: toEvent(
					( await this.store.get( this.eventsTable, {
						jobId: event.jobId,
						seq: event.seq,
					} ) ) ?? item
				);
		if ( stored.outcome === 'failed' ) {
			await this.store.putIfAbsent(
				this.errorsTable,
				{ ...stored, appOrder: appOrder( stored ) },
				'jobId'
			);
		}
		return stored;
	}

	/** Events of a job after `afterSeq`, oldest first. */
	async after(
		jobId: string,
		afterSeq: number,
		limit: number
	): Promise< BridgeEvent[] > {
		const events: BridgeEvent[] = [];
		let startKey: Item | undefined =
			afterSeq > 0 ? { jobId, seq: afterSeq } : undefined;
		for ( let page = 0; page < 20 && events.length < limit; page++ ) {
			const out = await this.store.query( this.eventsTable, {
				keyName: 'jobId',
				keyValue: jobId,
				limit: limit - events.length,
				newestFirst: false,
				startKey,
			} );
			events.push( ...out.items.map( toEvent ) );
			if ( ! out.lastKey ) {
				break;
			}
			startKey = out.lastKey;
		}
		return events;
	}

	async forJob(
		jobId: string,
		limit: number,
		cursor?: string
	): Promise< EventPage > {
		const out = await this.store.query( this.eventsTable, {
			keyName: 'jobId',
			keyValue: jobId,
			limit,
			newestFirst: true,
			startKey: decodeCursor( cursor, [ 'jobId', 'seq' ] ),
		} );
		return {
			items: out.items.map( toEvent ),
			nextCursor: encodeCursor( out.lastKey ),
		};
	}

	async forApp(
		appName: string,
		limit: number,
		cursor?: string
	): Promise< EventPage > {
		const out = await this.store.query( this.eventsTable, {
			index: APP_INDEX,
			keyName: 'appName',
			keyValue: appName,
			limit,
			newestFirst: true,
			startKey: decodeCursor( cursor, [
				'jobId',
				'seq',
				'appName',
				'appOrder',
			] ),
		} );
		return {
			items: out.items.map( toEvent ),
			nextCursor: encodeCursor( out.lastKey ),
		};
	}
}
