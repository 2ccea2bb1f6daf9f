/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

const UNITS = [ 'B', 'KB', 'MB', 'GB', 'TB' ];

/**
 * Bytes in the largest unit that keeps the number at least 1 (1 KB = 1024 B).
 *
 * @param bytes Byte count.
 */
export function formatBytes( bytes: number ): string {
	let value = bytes;
	let unit = 0;
	while ( value >= 1024 && unit < UNITS.length - 1 ) {
		value /= 1024;
		unit++;
	}
	return `${ unit === 0 ? value : value.toFixed( 1 ) } ${ UNITS[ unit ] }`;
}

/**
 * A duration as "1 h 2 min", "3 min 4 s" or "5 s".
 *
 * @param seconds Whole seconds.
 */
export function formatDuration( seconds: number ): string {
	const h = Math.floor( seconds / 3600 );
	const m = Math.floor( ( seconds % 3600 ) / 60 );
	if ( h > 0 ) {
		/* translators: 1: hours, 2: minutes. */
		return sprintf( __( '%1$d h %2$d min', 'k8or-orbit' ), h, m );
	}
	const s = Math.floor( seconds % 60 );
	if ( m > 0 ) {
		/* translators: 1: minutes, 2: seconds. */
		return sprintf( __( '%1$d min %2$d s', 'k8or-orbit' ), m, s );
	}
	/* translators: %d: seconds. */
	return sprintf( __( '%d s', 'k8or-orbit' ), s );
}

export function formatTime( iso: string | undefined ): string {
	if ( ! iso ) {
		return '';
	}
	const date = new Date( iso );
	return Number.isNaN( date.getTime() ) ? iso : date.toLocaleString();
}
