/**
 * Terminal output for the stack scripts: short, plain, and quiet unless something fails.
 */
const useColour = process.stdout.isTTY && ! process.env.NO_COLOR;
const paint = ( code, text ) =>
	useColour ? `\x1b[${ code }m${ text }\x1b[0m` : text;

export const bold = ( text ) => paint( '1', text );
export const dim = ( text ) => paint( '2', text );
export const green = ( text ) => paint( '32', text );
export const red = ( text ) => paint( '31', text );
export const yellow = ( text ) => paint( '33', text );

export function step( message ) {
	process.stdout.write( `${ dim( '›' ) } ${ message }\n` );
}

export function warn( message ) {
	process.stderr.write( `${ yellow( '!' ) } ${ message }\n` );
}

/** An error the user can act on: printed without a stack trace. */
export class StackError extends Error {
	constructor( message ) {
		super( message );
		this.name = 'StackError';
	}
}

export function seconds( startedAt ) {
	return `${ ( ( Date.now() - startedAt ) / 1000 ).toFixed( 1 ) } s`;
}
