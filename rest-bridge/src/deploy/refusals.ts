import { CONTRACT } from '@k8or-orbit/contract';

export type DeployRefusalCode = keyof typeof CONTRACT.rollback.refusals;

/**
 * The contract's message for a refusal, its `{placeholders}` filled in; a
 * placeholder without a value stays as written.
 *
 * @param code   Refusal code.
 * @param values Values by placeholder name.
 */
export function refusalMessage(
	code: DeployRefusalCode,
	values: Record< string, string | number | undefined >
): string {
	return CONTRACT.rollback.refusals[ code ].replace(
		/\{(\w+)\}/g,
		( whole, key: string ) =>
			values[ key ] === undefined ? whole : String( values[ key ] )
	);
}
