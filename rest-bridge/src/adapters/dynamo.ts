import {
	CreateTableCommand,
	DescribeTableCommand,
	UpdateTimeToLiveCommand,
	DynamoDBClient,
	type AttributeDefinition,
	type GlobalSecondaryIndex,
	type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import {
	DeleteCommand,
	DynamoDBDocumentClient,
	GetCommand,
	PutCommand,
	QueryCommand,
	ScanCommand,
	UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BridgeConfig } from '../config.js';
import { nameServiceWhenUnreachable } from './unreachable.js';

export type Item = Record< string, unknown >;

export interface UpdateExpression {
	update: string;
	condition?: string;
	names?: Record< string, string >;
	values?: Record< string, unknown >;
}

export interface QueryRequest {
	index?: string;
	keyName: string;
	keyValue: string | number;
	limit: number;
	newestFirst: boolean;
	startKey?: Item;
}

export interface TableDefinition {
	name: string;
	partitionKey: { name: string; type: 'S' | 'N' };
	sortKey?: { name: string; type: 'S' | 'N' };
	indexes?: {
		name: string;
		partitionKey: { name: string; type: 'S' | 'N' };
		sortKey?: { name: string; type: 'S' | 'N' };
	}[];
}

/**
 * The document store the bridge needs: reads, conditional writes and key
 * queries. No transactions: every multi-item invariant is kept with
 * conditional writes.
 */
export interface DocumentStore {
	get: ( table: string, key: Item ) => Promise< Item | undefined >;
	/** Puts the item unless one with the same key exists; false when it existed. */
	putIfAbsent: (
		table: string,
		item: Item,
		keyAttribute: string
	) => Promise< boolean >;
	put: ( table: string, item: Item ) => Promise< void >;
	/** Applies an update; undefined when its condition failed, else the new item. */
	update: (
		table: string,
		key: Item,
		expression: UpdateExpression
	) => Promise< Item | undefined >;
	query: (
		table: string,
		request: QueryRequest
	) => Promise< { items: Item[]; lastKey?: Item } >;
	/**
	 * One page of a scan for items whose string `attribute` sorts below `below`: `limit` items
	 * are read, those matching returned. For housekeeping over small tables only.
	 */
	scanBelow: (
		table: string,
		attribute: string,
		below: string,
		limit: number,
		startKey?: Item
	) => Promise< { items: Item[]; lastKey?: Item } >;
	/** Deletes the item if the condition holds; false when it did not. */
	deleteIf: (
		table: string,
		key: Item,
		expression: Omit< UpdateExpression, 'update' > & { condition: string }
	) => Promise< boolean >;
	/** Asks the server to expire items by an epoch-seconds attribute; reports what it did. */
	enableTimeToLive: ( table: string, attribute: string ) => Promise< string >;
	ensureTable: (
		definition: TableDefinition
	) => Promise< 'created' | 'exists' >;
	ping: ( table: string ) => Promise< void >;
	close: () => void;
}

function isConditionFailure( error: unknown ): boolean {
	return (
		( error as { name?: string } )?.name ===
		'ConditionalCheckFailedException'
	);
}

export class DynamoDocumentStore implements DocumentStore {
	private readonly documents: DynamoDBDocumentClient;

	constructor( private readonly client: DynamoDBClient ) {
		this.documents = DynamoDBDocumentClient.from( client, {
			marshallOptions: {
				removeUndefinedValues: true,
				convertClassInstanceToMap: true,
			},
		} );
	}

	static fromConfig(
		config: BridgeConfig[ 'dynamodb' ]
	): DynamoDocumentStore {
		const client = new DynamoDBClient( {
			region: config.region,
			...( config.endpoint ? { endpoint: config.endpoint } : {} ),
		} );
		nameServiceWhenUnreachable( client, 'DynamoDB', config.endpoint );
		return new DynamoDocumentStore( client );
	}

	async get( table: string, key: Item ) {
		const out = await this.documents.send(
			new GetCommand( {
				TableName: table,
				Key: key,
				ConsistentRead: true,
			} )
		);
		return out.Item;
	}

	async putIfAbsent( table: string, item: Item, keyAttribute: string ) {
		try {
			await this.documents.send(
				new PutCommand( {
					TableName: table,
					Item: item,
					ConditionExpression: 'attribute_not_exists(#k)',
					ExpressionAttributeNames: { '#k': keyAttribute },
				} )
			);
			return true;
		} catch ( error ) {
			if ( isConditionFailure( error ) ) {
				return false;
			}
			throw error;
		}
	}

	async put( table: string, item: Item ) {
		await this.documents.send(
			new PutCommand( { TableName: table, Item: item } )
		);
	}

	async update( table: string, key: Item, expression: UpdateExpression ) {
		try {
			const out = await this.documents.send(
				new UpdateCommand( {
					TableName: table,
					Key: key,
					UpdateExpression: expression.update,
					ConditionExpression: expression.condition,
					ExpressionAttributeNames: expression.names,
					ExpressionAttributeValues: expression.values,
					ReturnValues: 'ALL_NEW',
				} )
			);
			return out.Attributes ?? {};
		} catch ( error ) {
			if ( isConditionFailure( error ) ) {
				return undefined;
			}
			throw error;
		}
	}

	async query( table: string, request: QueryRequest ) {
		const out = await this.documents.send(
			new QueryCommand( {
				TableName: table,
				IndexName: request.index,
				KeyConditionExpression: '#k = :v',
				ExpressionAttributeNames: { '#k': request.keyName },
				ExpressionAttributeValues: { ':v': request.keyValue },
				Limit: request.limit,
				ScanIndexForward: ! request.newestFirst,
				ExclusiveStartKey: request.startKey,
			} )
		);
		return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
	}

	async scanBelow(
		table: string,
		attribute: string,
		below: string,
		limit: number,
		startKey?: Item
	) {
		const out = await this.documents.send(
			new ScanCommand( {
				TableName: table,
				FilterExpression: '#a < :below',
				ExpressionAttributeNames: { '#a': attribute },
				ExpressionAttributeValues: { ':below': below },
				Limit: limit,
				ExclusiveStartKey: startKey,
				ConsistentRead: true,
			} )
		);
		return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
	}

	async deleteIf(
		table: string,
		key: Item,
		expression: Omit< UpdateExpression, 'update' > & { condition: string }
	) {
		try {
			await this.documents.send(
				new DeleteCommand( {
					TableName: table,
					Key: key,
					ConditionExpression: expression.condition,
					ExpressionAttributeNames: expression.names,
					ExpressionAttributeValues: expression.values,
				} )
			);
			return true;
		} catch ( error ) {
			if ( isConditionFailure( error ) ) {
				return false;
			}
			throw error;
		}
	}

	async ensureTable( definition: TableDefinition ) {
		try {
			await this.client.send(
				new DescribeTableCommand( { TableName: definition.name } )
			);
			return 'exists';
		} catch ( error ) {
			if (
				( error as { name?: string } )?.name !==
				'ResourceNotFoundException'
			) {
				throw error;
			}
		}
		const attributes = new Map< string, 'S' | 'N' >();
		const keySchema = (
			partition: TableDefinition[ 'partitionKey' ],
			sort?: TableDefinition[ 'partitionKey' ]
		): KeySchemaElement[] => {
			attributes.set( partition.name, partition.type );
			const schema: KeySchemaElement[] = [
				{ AttributeName: partition.name, KeyType: 'HASH' },
			];
			if ( sort ) {
				attributes.set( sort.name, sort.type );
				schema.push( { AttributeName: sort.name, KeyType: 'RANGE' } );
			}
			return schema;
		};
		const tableKeys = keySchema(
			definition.partitionKey,
			definition.sortKey
		);
		const indexes: GlobalSecondaryIndex[] = (
			definition.indexes ?? []
		).map( ( index ) => ( {
			IndexName: index.name,
			KeySchema: keySchema( index.partitionKey, index.sortKey ),
			Projection: { ProjectionType: 'ALL' },
		} ) );
		const attributeDefinitions: AttributeDefinition[] = [
			...attributes,
		].map( ( [ name, type ] ) => ( {
			AttributeName: name,
			AttributeType: type,
		} ) );
		try {
			await this.client.send(
				new CreateTableCommand( {
					TableName: definition.name,
					KeySchema: tableKeys,
					AttributeDefinitions: attributeDefinitions,
					BillingMode: 'PAY_PER_REQUEST',
					...( indexes.length > 0
						? { GlobalSecondaryIndexes: indexes }
						: {} ),
				} )
			);
		} catch ( error ) {
			// Another provisioner created it in between.
			if (
				( error as { name?: string } )?.name ===
				'ResourceInUseException'
			) {
				return 'exists';
			}
			throw error;
		}
		await this.waitForActive( definition.name );
		return 'created';
	}

	private async waitForActive( table: string ) {
		for ( let attempt = 0; attempt < 60; attempt++ ) {
			const out = await this.client.send(
				new DescribeTableCommand( { TableName: table } )
			);
			const indexesActive = (
				out.Table?.GlobalSecondaryIndexes ?? []
			).every( ( index ) => index.IndexStatus === 'ACTIVE' );
			if ( out.Table?.TableStatus === 'ACTIVE' && indexesActive ) {
				return;
			}
			await new Promise( ( resolve ) => setTimeout( resolve, 250 ) );
		}
		throw new Error(
			`DynamoDB table ${ table } did not become active within 15 s`
		);
	}

	async enableTimeToLive( table: string, attribute: string ) {
		try {
			await this.client.send(
				new UpdateTimeToLiveCommand( {
					TableName: table,
					TimeToLiveSpecification: {
						Enabled: true,
						AttributeName: attribute,
					},
				} )
			);
			return 'enabled';
		} catch ( error ) {
			const { name = '', message = '' } = error as Error;
			if ( /already enabled/i.test( message ) ) {
				return 'exists';
			}
			// Local stand-ins (dynalite) lack the operation; items then stay.
			return `unsupported by this server (${ name })`;
		}
	}

	async ping( table: string ) {
		await this.client.send(
			new DescribeTableCommand( { TableName: table } )
		);
	}

	close() {
		this.documents.destroy();
		this.client.destroy();
	}
}
