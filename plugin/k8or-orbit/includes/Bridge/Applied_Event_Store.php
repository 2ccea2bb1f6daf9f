<?php
/**
 * Remembers which bridge events were applied, keyed by job id and sequence number.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * A table with a unique (job_id, seq) key: claiming an event is one atomic insert.
 */
final class Applied_Event_Store {

	/**
	 * The table name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'orbit_applied_events';
	}

	/**
	 * The CREATE TABLE statement for dbDelta().
	 *
	 * @param string $charset_collate Charset clause.
	 */
	public static function schema( string $charset_collate ): string {
		return 'CREATE TABLE ' . self::table() . " (
  job_id varchar(128) NOT NULL,
  seq int(10) unsigned NOT NULL,
  event_name varchar(64) NOT NULL DEFAULT '',
  post_id bigint(20) unsigned NOT NULL DEFAULT 0,
  applied_at datetime NOT NULL,
  PRIMARY KEY  (job_id,seq),
  KEY post_id (post_id)
) $charset_collate;";
	}

	/**
	 * Claims an event; false when it was applied before.
	 *
	 * @param string $job_id     Job id.
	 * @param int    $seq        Sequence number within the job.
	 * @param string $event_name Event name, kept for diagnosis.
	 */
	public static function claim( string $job_id, int $seq, string $event_name ): bool {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a custom table; the insert is the once-only check.
		$inserted = $wpdb->query(
			$wpdb->prepare(
				'INSERT IGNORE INTO %i (job_id, seq, event_name, applied_at) VALUES (%s, %d, %s, %s)',
				self::table(),
				$job_id,
				$seq,
				$event_name,
				current_time( 'mysql', true )
			)
		);
		return 1 === $inserted;
	}

	/**
	 * Records which post an event touched.
	 *
	 * @param string $job_id  Job id.
	 * @param int    $seq     Sequence number.
	 * @param int    $post_id Post id.
	 */
	public static function set_post( string $job_id, int $seq, int $post_id ): void {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$wpdb->update( self::table(), array( 'post_id' => $post_id ), array( 'job_id' => $job_id, 'seq' => $seq ), array( '%d' ), array( '%s', '%d' ) );
	}

	/**
	 * Forgets events applied long ago; the bridge stops redelivering an event well within this time.
	 *
	 * @param int $days Age in days.
	 */
	public static function purge_older_than( int $days ): void {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE applied_at < %s', self::table(), gmdate( 'Y-m-d H:i:s', time() - $days * DAY_IN_SECONDS ) ) );
	}
}
