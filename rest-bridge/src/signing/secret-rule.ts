import { readFileSync } from 'node:fs';

/**
 * The rule for a usable shared secret, written once for WordPress and the bridge: at least
 * `minimumLength` characters and none of the values published as examples (anyone who read
 * the repository could sign with those). The bridge image carries the file at the same path.
 */
const RULE_FILE = new URL(
	'../../../plugin/k8or-orbit/shared/published-example-secrets.json',
	import.meta.url
);

interface SecretRule {
	minimumLength: number;
	howToMake: string;
	values: string[];
}

let rule: SecretRule | undefined;

function secretRule(): SecretRule {
	rule ??= JSON.parse( readFileSync( RULE_FILE, 'utf8' ) ) as SecretRule;
	return rule;
}

/** Why `secret` must not be used for signing, or undefined when it may. */
export function secretProblem( secret: string ): string | undefined {
	const { minimumLength, howToMake, values } = secretRule();
	const make = `make one with \`${ howToMake }\` and set the same value as ORBIT_BRIDGE_SECRET here and K8OR_ORBIT_BRIDGE_SECRET in WordPress`;
	if ( values.includes( secret ) ) {
		return `is a published example value, which anyone can sign with; ${ make }`;
	}
	if ( secret.length < minimumLength ) {
		return `must be at least ${ minimumLength } characters; ${ make }`;
	}
	return undefined;
}
