import {
	createAccount,
	createOperator,
	encodeAccount,
	encodeOperator,
	fromSeed,
} from '@nats-io/jwt';

/**
 * The keys behind NATS's operator mode: the operator signs the accounts, the Orbit account
 * signs every user (the bridge's own, and each browser's short-lived one). Seeds are secrets.
 */
export interface NatsAuthKeys {
	operatorSeed: string;
	systemAccountSeed: string;
	accountSeed: string;
}

const decoder = new TextDecoder();

export function generateNatsAuthKeys(): NatsAuthKeys {
	return {
		operatorSeed: decoder.decode( createOperator().getSeed() ),
		systemAccountSeed: decoder.decode( createAccount().getSeed() ),
		accountSeed: decoder.decode( createAccount().getSeed() ),
	};
}

/** No limit: without explicit limits nats-server 2.9 refuses every connection to the account. */
const UNLIMITED = {
	subs: -1,
	data: -1,
	payload: -1,
	imports: -1,
	exports: -1,
	wildcards: true,
	conn: -1,
	leaf: -1,
};

/**
 * The part of the NATS server configuration that turns on operator mode: the operator, the
 * system account and the Orbit account, preloaded into an in-memory resolver (nothing to
 * push at run time). The accounts' JWTs are signed here, so only the operator seed signs.
 */
export async function natsServerAuthConfig(
	keys: NatsAuthKeys
): Promise< string > {
	const operator = fromSeed( new TextEncoder().encode( keys.operatorSeed ) );
	const system = fromSeed(
		new TextEncoder().encode( keys.systemAccountSeed )
	);
	const account = fromSeed( new TextEncoder().encode( keys.accountSeed ) );
	const signed = { signer: operator };
	const operatorJwt = await encodeOperator( 'orbit', operator, {
		system_account: system.getPublicKey(),
	} );
	const systemJwt = await encodeAccount(
		'SYS',
		system,
		{ limits: UNLIMITED },
		signed
	);
	const accountJwt = await encodeAccount(
		'orbit',
		account,
		{
			limits: {
				...UNLIMITED,
				mem_storage: -1,
				disk_storage: -1,
				streams: -1,
				consumer: -1,
			},
		},
		signed
	);
	return [
		'# Operator mode: users authenticate with JWTs signed by the orbit account.',
		`operator: ${ operatorJwt }`,
		`system_account: ${ system.getPublicKey() }`,
		'resolver: MEMORY',
		'resolver_preload: {',
		`  ${ system.getPublicKey() }: ${ systemJwt }`,
		`  ${ account.getPublicKey() }: ${ accountJwt }`,
		'}',
		'',
	].join( '\n' );
}
