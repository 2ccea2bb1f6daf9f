/**
 * Writes what the parts read from docs/contract.json:
 * - contract/src/contract.ts: the contract as a typed constant, and a TypeScript type per
 *   JSON-Schema definition (schemas.$defs);
 * - plugin/k8or-orbit/contract.json: the copy the plugin ships with (the plugin is
 *   distributed alone, without the repository around it).
 *
 * `node contract/generate.mjs` writes them; `--check` exits 1 when either is out of date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
	path.dirname( fileURLToPath( import.meta.url ) ),
	'..'
);

export const SOURCE = path.join( root, 'docs', 'contract.json' );
export const TYPESCRIPT = path.join( root, 'contract', 'src', 'contract.ts' );
export const PLUGIN_COPY = path.join(
	root,
	'plugin',
	'k8or-orbit',
	'contract.json'
);

function typeOf( schema, indent ) {
	if ( schema.$ref ) {
		return schema.$ref.replace( '#/$defs/', '' );
	}
	if ( schema.enum ) {
		return schema.enum
			.map( ( value ) => JSON.stringify( value ) )
			.join( ' | ' );
	}
	const types = [].concat( schema.type ?? 'unknown' );
	return types
		.map( ( type ) => {
			switch ( type ) {
				case 'string':
					return 'string';
				case 'integer':
				case 'number':
					return 'number';
				case 'boolean':
					return 'boolean';
				case 'null':
					return 'null';
				case 'array':
					return `Array< ${ typeOf( schema.items ?? {}, indent ) } >`;
				case 'object':
					return objectType( schema, indent );
				default:
					return 'unknown';
			}
		} )
		.join( ' | ' );
}

function objectType( schema, indent ) {
	const required = new Set( schema.required ?? [] );
	const entries = Object.entries( schema.properties ?? {} );
	if ( entries.length === 0 ) {
		const values =
			typeof schema.additionalProperties === 'object'
				? typeOf( schema.additionalProperties, indent )
				: 'unknown';
		return `Record< string, ${ values } >`;
	}
	const inner = indent + '\t';
	const lines = entries.map(
		( [ name, property ] ) =>
			`${ inner }${ name }${ required.has( name ) ? '' : '?' }: ${ typeOf( property, inner ) };`
	);
	return `{\n${ lines.join( '\n' ) }\n${ indent }}`;
}

export function renderTypeScript( contract ) {
	const definitions = Object.entries( contract.schemas.$defs ).map(
		( [ name, schema ] ) =>
			`export type ${ name } = ${ typeOf( schema, '' ) };`
	);
	return [
		'/* Generated from docs/contract.json by `npm run contract`. Do not edit. */',
		'/* eslint-disable */',
		'// prettier-ignore',
		`export const CONTRACT = ${ JSON.stringify( contract, null, '\t' ) } as const;`,
		'',
		...definitions,
		'',
	].join( '\n' );
}

export function outputs() {
	const text = fs.readFileSync( SOURCE, 'utf8' );
	return new Map( [
		[ TYPESCRIPT, renderTypeScript( JSON.parse( text ) ) ],
		[ PLUGIN_COPY, text ],
	] );
}

if ( process.argv[ 1 ] === fileURLToPath( import.meta.url ) ) {
	const check = process.argv.includes( '--check' );
	let stale = false;
	for ( const [ file, text ] of outputs() ) {
		const current = fs.existsSync( file )
			? fs.readFileSync( file, 'utf8' )
			: '';
		if ( current === text ) {
			continue;
		}
		if ( check ) {
			process.stderr.write(
				`${ path.relative( root, file ) } is out of date: run npm run contract\n`
			);
			stale = true;
		} else {
			fs.writeFileSync( file, text );
			process.stdout.write( `wrote ${ path.relative( root, file ) }\n` );
		}
	}
	process.exit( stale ? 1 : 0 );
}
