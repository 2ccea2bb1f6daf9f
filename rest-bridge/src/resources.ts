import type { TableDefinition } from './adapters/dynamo.js';
import type { BridgeConfig } from './config.js';
import { APP_INDEX } from './events/log.js';

/** Names of every bucket and table the bridge uses, from the configured prefixes. */
export interface ResourceNames {
	buckets: {
		temporary: string;
		deleted: string;
		reports: string;
		environment: ( name: string ) => string;
	};
	tables: {
		events: string;
		errors: string;
		jobs: string;
		uploads: string;
		requestIds: string;
		revisions: string;
		deadLetters: string;
	};
}

export function resourceNames( config: BridgeConfig ): ResourceNames {
	const b = config.s3.bucketPrefix;
	const t = config.dynamodb.tablePrefix;
	return {
		buckets: {
			temporary: `${ b }temporary`,
			deleted: `${ b }deleted`,
			reports: `${ b }reports`,
			environment: ( name ) => `${ b }${ name }`,
		},
		tables: {
			events: `${ t }events`,
			errors: `${ t }errors`,
			jobs: `${ t }jobs`,
			uploads: `${ t }uploads`,
			requestIds: `${ t }request-ids`,
			revisions: `${ t }revisions`,
			deadLetters: `${ t }dead-letters`,
		},
	};
}

export function tableDefinitions( names: ResourceNames ): TableDefinition[] {
	const eventLog = ( name: string ): TableDefinition => ( {
		name,
		partitionKey: { name: 'jobId', type: 'S' },
		sortKey: { name: 'seq', type: 'N' },
		indexes: [
			{
				name: APP_INDEX,
				partitionKey: { name: 'appName', type: 'S' },
				sortKey: { name: 'appOrder', type: 'S' },
			},
		],
	} );
	return [
		eventLog( names.tables.events ),
		eventLog( names.tables.errors ),
		{ name: names.tables.jobs, partitionKey: { name: 'jobId', type: 'S' } },
		{
			name: names.tables.uploads,
			partitionKey: { name: 'uploadId', type: 'S' },
		},
		{
			name: names.tables.requestIds,
			partitionKey: { name: 'requestId', type: 'S' },
		},
		{
			name: names.tables.revisions,
			partitionKey: { name: 'scope', type: 'S' },
			sortKey: { name: 'revision', type: 'N' },
		},
		{
			name: names.tables.deadLetters,
			partitionKey: { name: 'queue', type: 'S' },
			sortKey: { name: 'letterId', type: 'S' },
		},
	];
}
