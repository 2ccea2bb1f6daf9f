export interface DiffLine {
	op: '+' | '-' | ' ';
	text: string;
}

export interface FileDiff {
	file: string;
	status: 'added' | 'changed' | 'unchanged' | 'removed';
	lines: DiffLine[];
}

/** Beyond this many lines per side a changed file is shown as all removed, then all added. */
const MAX_DIFF_LINES = 5000;

function splitLines( text: string ): string[] {
	return text === '' ? [] : text.replace( /\n$/, '' ).split( '\n' );
}

/** A line diff by longest common subsequence: manifests are small, so the table stays small. */
function diffLines( before: string[], after: string[] ): DiffLine[] {
	if ( before.length > MAX_DIFF_LINES || after.length > MAX_DIFF_LINES ) {
		return [
			...before.map( ( text ) => ( { op: '-' as const, text } ) ),
			...after.map( ( text ) => ( { op: '+' as const, text } ) ),
		];
	}
	const width = after.length + 1;
	const common = new Uint32Array( ( before.length + 1 ) * width );
	for ( let i = before.length - 1; i >= 0; i-- ) {
		for ( let j = after.length - 1; j >= 0; j-- ) {
			common[ i * width + j ] =
				before[ i ] === after[ j ]
					? ( common[ ( i + 1 ) * width + j + 1 ] ?? 0 ) + 1
					: Math.max(
							common[ ( i + 1 ) * width + j ] ?? 0,
							common[ i * width + j + 1 ] ?? 0
						);
		}
	}
	const lines: DiffLine[] = [];
	let i = 0;
	let j = 0;
	while ( i < before.length || j < after.length ) {
		if (
			i < before.length &&
			j < after.length &&
			before[ i ] === after[ j ]
		) {
			lines.push( { op: ' ', text: before[ i ] ?? '' } );
			i++;
			j++;
		} else if (
			i < before.length &&
			( j === after.length ||
				( common[ ( i + 1 ) * width + j ] ?? 0 ) >=
					( common[ i * width + j + 1 ] ?? 0 ) )
		) {
			lines.push( { op: '-', text: before[ i ] ?? '' } );
			i++;
		} else {
			lines.push( { op: '+', text: after[ j ] ?? '' } );
			j++;
		}
	}
	return lines;
}

/**
 * What deploying would change, file by file: the files of the revision
 * running now against the files about to be committed (a first deploy shows
 * every line as added).
 */
export function diffFiles(
	current: Record< string, string >,
	next: Record< string, string >
): FileDiff[] {
	const names = [
		...new Set( [ ...Object.keys( next ), ...Object.keys( current ) ] ),
	];
	return names.map( ( file ) => {
		const before = current[ file ];
		const after = next[ file ];
		const lines = diffLines(
			splitLines( before ?? '' ),
			splitLines( after ?? '' )
		);
		let status: FileDiff[ 'status' ] = 'changed';
		if ( before === undefined ) {
			status = 'added';
		} else if ( after === undefined ) {
			status = 'removed';
		} else if ( before === after ) {
			status = 'unchanged';
		}
		return { file, status, lines };
	} );
}
