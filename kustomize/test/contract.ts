/**
 * The configuration docs/architecture.md promises ("Bridge configuration", "WordPress
 * configuration"), read from the document so deployments are checked against the contract
 * rather than against a copy of it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './manifests';

export interface BridgeVariable {
	name: string;
	required: boolean;
}

function section( title: string ): string {
	const architecture = readFileSync(
		path.join( repoRoot, 'docs', 'architecture.md' ),
		'utf8'
	);
	const found = architecture
		.split( /^## /m )
		.find( ( part ) => part.startsWith( title ) );
	if ( ! found ) {
		throw new Error( `docs/architecture.md has no "${ title }" section` );
	}
	return found;
}

/** The rest-bridge's environment variables, and whether each is required. */
export function bridgeVariables(): BridgeVariable[] {
	const variables: BridgeVariable[] = [];
	for ( const line of section( 'Bridge configuration' ).split( '\n' ) ) {
		const cells = line.split( '|' ).map( ( cell ) => cell.trim() );
		// A table row is "| names | default | meaning |": cells[0] and the last are empty.
		if ( cells.length < 5 ) {
			continue;
		}
		const names = [ ...cells[ 1 ]!.matchAll( /`([A-Z][A-Z0-9_]+)`/g ) ].map(
			( match ) => match[ 1 ]!
		);
		const required = /\brequired\b/.test( cells[ 2 ]! );
		for ( const name of names ) {
			variables.push( { name, required } );
		}
	}
	if ( variables.length === 0 ) {
		throw new Error(
			'the "Bridge configuration" table of docs/architecture.md lists no variables'
		);
	}
	return variables;
}

/** The K8OR_ORBIT_* settings WordPress reads from constants or the environment. */
export function wordpressSettings(): string[] {
	const names = [
		...section( 'WordPress configuration' ).matchAll(
			/`(K8OR_ORBIT_[A-Z0-9_]+)`/g
		),
	].map( ( match ) => match[ 1 ]! );
	if ( names.length === 0 ) {
		throw new Error(
			'the "WordPress configuration" section of docs/architecture.md names no K8OR_ORBIT_ settings'
		);
	}
	return [ ...new Set( names ) ];
}
