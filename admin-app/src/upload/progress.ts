/**
 * Transfer rate over a sliding window, for the progress bar's speed and time left.
 * A window (rather than the average since the start) follows changes in bandwidth
 * and ignores bytes that were already there when an upload resumed.
 */
export class TransferRate {
	private samples: Array< { at: number; bytes: number } > = [];

	/**
	 * @param windowMs How far back samples count.
	 */
	constructor( private readonly windowMs = 5000 ) {}

	/**
	 * Records the bytes done so far at a moment.
	 *
	 * @param bytesDone Bytes transferred so far.
	 * @param at        Milliseconds timestamp.
	 */
	record( bytesDone: number, at: number ): void {
		this.samples.push( { at, bytes: bytesDone } );
		const oldest = at - this.windowMs;
		while ( this.samples.length > 2 && this.samples[ 0 ]!.at < oldest ) {
			this.samples.shift();
		}
	}

	/** Bytes per second over the window; 0 until there are two samples apart in time. */
	bytesPerSecond(): number {
		const first = this.samples[ 0 ];
		const last = this.samples[ this.samples.length - 1 ];
		if ( ! first || ! last || last.at <= first.at ) {
			return 0;
		}
		return Math.max(
			0,
			( last.bytes - first.bytes ) / ( ( last.at - first.at ) / 1000 )
		);
	}

	/**
	 * Seconds until done at the current rate, or null when the rate is unknown.
	 *
	 * @param bytesLeft Bytes still to transfer.
	 */
	secondsLeft( bytesLeft: number ): number | null {
		const rate = this.bytesPerSecond();
		return rate > 0 ? Math.ceil( bytesLeft / rate ) : null;
	}
}
