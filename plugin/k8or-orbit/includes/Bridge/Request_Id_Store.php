<?php
/**
 * Remembers the request ids of signed callbacks so each is accepted once.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * A table whose primary key is the request id: the insert either claims the id or fails,
 * atomically, even with several PHP workers receiving the same request.
 */
final class Request_Id_Store {

	/**
	 * The table name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'orbit_request_ids';
	}

	/**
	 * The CREATE TABLE statement for dbDelta().
	 *
	 * @param string $charset_collate Charset clause.
	 */
	public static function schema( string $charset_collate ): string {
		return 'CREATE TABLE ' . self::table() . " (
  request_id varchar(128) NOT NULL,
  expires_at bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (request_id),
  KEY expires_at (expires_at)
) $charset_collate;";
	}

	/**
	 * Claims a request id; false when it was seen before.
	 *
	 * Ids are kept for twice the signature window: an id older than that arrives with an expired
	 * timestamp and is rejected before it gets here.
	 *
	 * @param string $request_id Request id.
	 * @param int    $now        Unix time.
	 */
	public static function claim( string $request_id, int $now ): bool {
		global $wpdb;
		self::purge_expired( $now );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a custom table; caching would defeat the once-only check.
		$inserted = $wpdb->query(
			$wpdb->prepare(
				'INSERT IGNORE INTO %i (request_id, expires_at) VALUES (%s, %d)',
				self::table(),
				$request_id,
				$now + 2 * Signature::WINDOW_SECONDS
			)
		);
		return 1 === $inserted;
	}

	/**
	 * Deletes ids that can no longer be replayed.
	 *
	 * @param int $now Unix time.
	 */
	public static function purge_expired( int $now ): void {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE expires_at < %d', self::table(), $now ) );
	}
}
