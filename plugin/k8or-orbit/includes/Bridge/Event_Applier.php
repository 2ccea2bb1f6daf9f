<?php
/**
 * Applies bridge events to the catalog: once each, never rolling state back.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Bridge;

use DateTimeImmutable;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Content\Category_Taxonomy;
use K8or\Orbit\Contract\Contract;
use WP_Error;
use WP_Post;

defined( 'ABSPATH' ) || exit;

/**
 * Turns the facts carried by events into the orbit_app post and its meta.
 */
final class Event_Applier {

	/**
	 * The schema of a callback body `{events: [Event, …]}`: the contract's Event, whose `data`
	 * may carry the facts of the app in the shapes the catalog stores.
	 */
	public static function body_schema(): array {
		$event = Contract::schema( 'Event' );
		$facts = array(
			'image'        => array( 'type' => 'object' ),
			'scan'         => array( 'type' => 'object' ),
			'verdicts'     => array( 'type' => 'object' ),
			'environments' => array( 'type' => 'object' ),
		);
		$event['properties']['data']['properties'] = array_merge(
			$facts,
			array(
				'app'     => array(
					'type'       => 'object',
					'properties' => array_merge(
						array(
							'title'        => array(
								'type'      => 'string',
								'maxLength' => Contract::limit( 'titleLength' ),
							),
							'description'  => array(
								'type'      => 'string',
								'maxLength' => Contract::limit( 'descriptionLength' ),
							),
							'category'     => array(
								'type'      => 'string',
								'maxLength' => Contract::limit( 'categoryLength' ),
							),
							'deployInputs' => array( 'type' => 'object' ),
							'version'      => App_Meta::version_label_schema(),
						),
						$facts
					),
				),
				'deleted' => array( 'type' => 'object' ),
				'version' => App_Meta::version_label_schema(),
				// Image facts (upload), or the pushed image's reference (deploy).
				'image'   => array( 'type' => array( 'object', 'string' ) ),
			)
		);
		return array(
			'type'       => 'object',
			'required'   => array( 'events' ),
			'properties' => array(
				'events' => array(
					'type'     => 'array',
					'minItems' => 1,
					'maxItems' => Contract::limit( 'eventsPerCallback' ),
					'items'    => $event,
				),
			),
		);
	}

	/**
	 * Validates a whole callback body, then applies each event not applied before.
	 *
	 * Every event is checked before any is applied, so a bad batch changes nothing.
	 *
	 * @param mixed $body Decoded JSON body.
	 * @return array{applied: int, duplicates: int, app: array{id: int, name: string}|null}|WP_Error
	 */
	public function apply_all( $body ) {
		global $wpdb;
		$valid = rest_validate_value_from_schema( $body, self::body_schema(), 'body' );
		if ( is_wp_error( $valid ) ) {
			return $this->invalid( $valid->get_error_message() );
		}

		$prepared = array();
		$latest = time() + Signature::WINDOW_SECONDS;
		foreach ( $body['events'] as $index => $event ) {
			// State from a future time would win over every real update until that time comes.
			$facts = strtotime( (string) $event['time'] ) > $latest
				? new WP_Error(
					'orbit_event_from_the_future',
					/* translators: %d: seconds. */
					sprintf( __( 'its time lies more than %d seconds in the future; check the bridge clock (NTP).', 'k8or-orbit' ), Signature::WINDOW_SECONDS )
				)
				: $this->facts( $event );
			if ( is_wp_error( $facts ) ) {
				return $this->invalid(
					sprintf(
						/* translators: 1: position in the batch, 2: job id, 3: sequence number, 4: the problem. */
						__( 'event %1$d (job %2$s, seq %3$d): %4$s', 'k8or-orbit' ),
						$index + 1,
						$event['jobId'],
						$event['seq'],
						$facts->get_error_message()
					)
				);
			}
			$prepared[] = array( $event, $facts );
		}

		$applied    = 0;
		$duplicates = 0;
		$app        = null;
		foreach ( $prepared as list( $event, $facts ) ) {
			// The claim and the changes commit together: a concurrent delivery of the same event waits
			// on the claimed key and then sees a duplicate; a failure leaves the event unclaimed for the retry.
			$wpdb->query( 'START TRANSACTION' );
			if ( ! Applied_Event_Store::claim( $event['jobId'], (int) $event['seq'], $event['name'] ) ) {
				$wpdb->query( 'COMMIT' );
				++$duplicates;
				$post = App_Post_Type::find_by_name( $event['appName'] );
			} else {
				$post = $this->apply( $event, $facts );
				if ( is_wp_error( $post ) ) {
					$wpdb->query( 'ROLLBACK' );
					return $post;
				}
				if ( $post ) {
					Applied_Event_Store::set_post( $event['jobId'], (int) $event['seq'], $post->ID );
				}
				$wpdb->query( 'COMMIT' );
				++$applied;
			}
			if ( $post ) {
				$app = array(
					'id'   => $post->ID,
					'name' => App_Post_Type::app_name( $post ),
				);
			}
		}
		return array(
			'applied'    => $applied,
			'duplicates' => $duplicates,
			'app'        => $app,
		);
	}

	/**
	 * The facts of an event in meta terms, each checked against its schema.
	 *
	 * @param array $event An event whose envelope is valid.
	 * @return array{app?: array, image?: array, scan?: array, environments?: array, deleted?: array, deployInputs?: array, version?: array, scanned_version?: string}|WP_Error
	 */
	private function facts( array $event ) {
		$data     = is_array( $event['data'] ?? null ) ? $event['data'] : array();
		$app      = is_array( $data['app'] ?? null ) ? $data['app'] : null;
		$sections = array_merge(
			null === $app ? array() : array_intersect_key( $app, array_flip( array( 'image', 'scan', 'verdicts', 'environments', 'deployInputs' ) ) ),
			// A deploy's `image` is the pushed reference, a string, not image facts.
			array_filter( array_intersect_key( $data, array_flip( array( 'image', 'scan', 'verdicts', 'environments', 'deleted' ) ) ), 'is_array' )
		);

		$facts = array();
		if ( null !== $app ) {
			$facts['app'] = array_intersect_key( $app, array_flip( array( 'title', 'description', 'category' ) ) );
		}
		foreach ( Event_Facts::SECTIONS as $section => $key ) {
			if ( ! isset( $sections[ $section ] ) ) {
				continue;
			}
			$value = Event_Facts::validate( $key, $sections[ $section ] );
			if ( is_wp_error( $value ) ) {
				return $value;
			}
			$facts[ $section ] = $value;
		}

		// An upload adds a version: its own image facts and scan, kept beside the older versions.
		if ( isset( $app['version'] ) ) {
			$facts['version'] = Event_Facts::version( (string) $app['version'], $facts['image'] ?? array(), $facts['scan'] ?? array(), $event );
			$valid            = App_Meta::validate( App_Meta::VERSIONS, array( $facts['version']['label'] => $facts['version'] ) );
			if ( is_wp_error( $valid ) ) {
				return $valid;
			}
		}
		// A scan names the version it scanned.
		if ( isset( $data['version'], $facts['scan'] ) ) {
			$facts['scanned_version'] = (string) $data['version'];
		}
		return $facts;
	}

	/**
	 * Applies one event.
	 *
	 * @param array $event A validated event.
	 * @param array $facts Its facts from facts().
	 * @return WP_Post|null|WP_Error The app post, null when the app has no post (yet).
	 */
	private function apply( array $event, array $facts ) {
		$time = (string) $event['time'];
		$post = App_Post_Type::find_by_name( $event['appName'] );

		if ( isset( $facts['app'] ) ) {
			if ( null === $post ) {
				$post = $this->create_post( $event['appName'], $facts['app'], (int) ( $event['actor']['id'] ?? 0 ) );
				if ( is_wp_error( $post ) ) {
					return $post;
				}
			}
			if ( ! empty( $facts['app']['category'] ) && ! has_term( '', Category_Taxonomy::NAME, $post ) ) {
				$term_id = Category_Taxonomy::ensure_term( $facts['app']['category'] );
				if ( null !== $term_id ) {
					wp_set_object_terms( $post->ID, array( $term_id ), Category_Taxonomy::NAME );
				}
			}
		}
		if ( null === $post ) {
			return null;
		}

		$results = array();
		if ( isset( $facts['image'] ) ) {
			$results[] = $this->apply_section( $post->ID, App_Meta::IMAGE, $facts['image'], $time );
			if ( isset( $facts['deployInputs'] ) && $this->is_not_older( $time, App_Meta::read( $post->ID, App_Meta::IMAGE )['updatedAt'] ?? '' ) ) {
				$results[] = App_Meta::write( $post->ID, App_Meta::DEPLOY_INPUTS, $facts['deployInputs'] );
			}
		}
		if ( isset( $facts['version'] ) ) {
			$results[] = $this->add_version( $post->ID, $facts['version'], $time );
		}
		if ( isset( $facts['scanned_version'] ) ) {
			$results[] = $this->apply_version_scan( $post->ID, $facts['scanned_version'], $facts['scan'], $time );
		}
		// A scan of an older version leaves the app's current scan alone.
		if ( isset( $facts['scan'] ) && $this->is_current_version( $post->ID, $facts['scanned_version'] ?? null ) ) {
			$results[] = $this->apply_section( $post->ID, App_Meta::SCAN, $facts['scan'], $time );
		}
		if ( isset( $facts['verdicts'] ) ) {
			$results[] = $this->apply_verdicts( $post->ID, $facts['verdicts'] );
		}
		if ( isset( $facts['environments'] ) ) {
			$results[] = $this->apply_environments( $post->ID, $facts['environments'], $time );
		}
		if ( self::is_failure_event( (string) $event['name'] ) ) {
			$results[] = $this->undo_environment( $post->ID, (string) $event['environment'], (string) $event['jobId'], $time );
		}
		if ( isset( $facts['deleted'] ) ) {
			$stored = App_Meta::read( $post->ID, App_Meta::DELETED );
			if ( $this->is_not_older( $time, $stored['at'] ?? '' ) ) {
				$results[] = App_Meta::write( $post->ID, App_Meta::DELETED, array_merge( $facts['deleted'], array( 'at' => $time ) ) );
			}
		}
		foreach ( $results as $result ) {
			if ( is_wp_error( $result ) ) {
				return $result;
			}
		}
		clean_post_cache( $post->ID );
		return $post;
	}

	/**
	 * A refusal of the whole batch.
	 *
	 * @param string $problem What is wrong.
	 */
	private function invalid( string $problem ): WP_Error {
		return new WP_Error(
			'orbit_invalid_events',
			/* translators: %s: the validation problem. */
			sprintf( __( 'The events were not applied: %s', 'k8or-orbit' ), $problem ),
			array( 'status' => 400 )
		);
	}

	/**
	 * Replaces an object meta unless it holds newer state.
	 *
	 * @param int    $post_id Post id.
	 * @param string $key     Meta key.
	 * @param array  $value   New value.
	 * @param string $time    Event time.
	 * @return true|WP_Error
	 */
	private function apply_section( int $post_id, string $key, array $value, string $time ) {
		$stored = App_Meta::read( $post_id, $key );
		if ( ! $this->is_not_older( $time, $stored['updatedAt'] ?? '' ) ) {
			return true;
		}
		return App_Meta::write( $post_id, $key, array_merge( $value, array( 'updatedAt' => $time ) ) );
	}

	/**
	 * Adds a version; a label already taken keeps its first version.
	 *
	 * @param int    $post_id Post id.
	 * @param array  $version The version from Event_Facts::version().
	 * @param string $time    Event time.
	 * @return true|WP_Error
	 */
	private function add_version( int $post_id, array $version, string $time ) {
		$versions = App_Meta::read( $post_id, App_Meta::VERSIONS );
		if ( isset( $versions[ $version['label'] ] ) ) {
			return true;
		}
		$versions[ $version['label'] ] = array_merge( $version, array( 'updatedAt' => $time ) );
		return App_Meta::write( $post_id, App_Meta::VERSIONS, $versions );
	}

	/**
	 * Records a newer scan of one version.
	 *
	 * @param int    $post_id Post id.
	 * @param string $label   Version label.
	 * @param array  $scan    Scan facts.
	 * @param string $time    Event time.
	 * @return true|WP_Error
	 */
	private function apply_version_scan( int $post_id, string $label, array $scan, string $time ) {
		$versions = App_Meta::read( $post_id, App_Meta::VERSIONS );
		if ( ! isset( $versions[ $label ] ) || ! $this->is_not_older( $time, $versions[ $label ]['scan']['updatedAt'] ?? '' ) ) {
			return true;
		}
		$versions[ $label ]['scan'] = array_merge( $scan, array( 'updatedAt' => $time ) );
		return App_Meta::write( $post_id, App_Meta::VERSIONS, $versions );
	}

	/**
	 * Whether a version is the app's current image (true when no version is named, or for images
	 * stored before apps had versions).
	 *
	 * @param int         $post_id Post id.
	 * @param string|null $label   Version label.
	 */
	private function is_current_version( int $post_id, ?string $label ): bool {
		$current = App_Meta::read( $post_id, App_Meta::IMAGE )['version'] ?? null;
		return null === $label || null === $current || $current === $label;
	}

	/**
	 * Replaces the verdict of each environment named in the event, unless it holds a newer one.
	 *
	 * @param int   $post_id  Post id.
	 * @param array $verdicts New verdicts keyed by environment.
	 * @return true|WP_Error
	 */
	private function apply_verdicts( int $post_id, array $verdicts ) {
		$stored  = App_Meta::read( $post_id, App_Meta::VERDICTS );
		$changed = false;
		foreach ( $verdicts as $environment => $verdict ) {
			if ( $this->is_not_older( $verdict['evaluatedAt'], $stored[ $environment ]['evaluatedAt'] ?? '' ) ) {
				$stored[ $environment ] = $verdict;
				$changed                = true;
			}
		}
		return $changed ? App_Meta::write( $post_id, App_Meta::VERDICTS, $stored ) : true;
	}

	/**
	 * Replaces the state of each environment named in the event, unless that environment holds newer state.
	 *
	 * @param int    $post_id      Post id.
	 * @param array  $environments New states keyed by environment.
	 * @param string $time         Event time.
	 * @return true|WP_Error
	 */
	private function apply_environments( int $post_id, array $environments, string $time ) {
		$stored  = App_Meta::read( $post_id, App_Meta::ENVIRONMENTS );
		$changed = false;
		foreach ( $environments as $name => $state ) {
			if ( ! $this->is_not_older( $time, $stored[ $name ]['updatedAt'] ?? '' ) ) {
				continue;
			}
			$state = array_merge( (array) $state, array( 'updatedAt' => $time ) );
			// A job that starts changing the environment keeps what was there, to put it back if the job fails.
			if ( isset( $state['jobId'] ) ) {
				$before = $stored[ $name ] ?? array();
				$before = isset( $before['jobId'] ) ? ( $before['previous'] ?? array() ) : $before;
				unset( $state['previous'] );
				if ( array() !== $before ) {
					$state['previous'] = $before;
				}
			}
			$stored[ $name ] = $state;
			$changed         = true;
		}
		return $changed ? App_Meta::write( $post_id, App_Meta::ENVIRONMENTS, $stored ) : true;
	}

	/**
	 * A failed job leaves the environment as it was before the job started.
	 *
	 * @param int    $post_id     Post id.
	 * @param string $environment The job's environment.
	 * @param string $job_id      The failed job.
	 * @param string $time        Time of the failure event.
	 * @return true|WP_Error
	 */
	private function undo_environment( int $post_id, string $environment, string $job_id, string $time ) {
		$stored = App_Meta::read( $post_id, App_Meta::ENVIRONMENTS );
		if ( ( $stored[ $environment ]['jobId'] ?? '' ) !== $job_id ) {
			return true;
		}
		$before = $stored[ $environment ]['previous'] ?? null;
		if ( is_array( $before ) ) {
			$stored[ $environment ] = array_merge( $before, array( 'updatedAt' => $time ) );
		} else {
			unset( $stored[ $environment ] );
		}
		return App_Meta::write( $post_id, App_Meta::ENVIRONMENTS, $stored );
	}

	/**
	 * Whether an event is the failure event of a job kind in the contract.
	 *
	 * @param string $name Event name.
	 */
	private static function is_failure_event( string $name ): bool {
		foreach ( Contract::data()['jobs'] as $job ) {
			if ( is_array( $job ) && ( $job['failureEvent'] ?? null ) === $name ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Creates the published catalog page of a new app.
	 *
	 * @param string $name     App name, the slug.
	 * @param array  $app      The app facts of the event.
	 * @param int    $actor_id WordPress user who uploaded.
	 * @return WP_Post|WP_Error
	 */
	private function create_post( string $name, array $app, int $actor_id ) {
		$id = wp_insert_post(
			array(
				'post_type'    => App_Post_Type::NAME,
				'post_status'  => 'publish',
				'post_name'    => $name,
				'post_title'   => '' !== trim( (string) ( $app['title'] ?? '' ) ) ? wp_strip_all_tags( $app['title'] ) : $name,
				'post_content' => wp_kses_post( (string) ( $app['description'] ?? '' ) ),
				'post_author'  => get_userdata( $actor_id ) ? $actor_id : 0,
			),
			true
		);
		if ( is_wp_error( $id ) ) {
			return new WP_Error( 'orbit_app_not_created', $id->get_error_message(), array( 'status' => 500 ) );
		}
		$post = get_post( $id );
		if ( ! $post || $post->post_name !== $name ) {
			return new WP_Error(
				'orbit_app_name_taken',
				/* translators: %s: app name. */
				sprintf( __( 'The app page could not get the slug %s: WordPress reserves it or another page holds it. Upload under another app name, or rename that page and resend.', 'k8or-orbit' ), $name ),
				array( 'status' => 409 )
			);
		}
		return $post;
	}

	/**
	 * Whether state from an event at $time may replace state stored at $stored_time.
	 *
	 * @param string $time        Event time.
	 * @param string $stored_time Time of the stored state; empty when none.
	 */
	private function is_not_older( string $time, string $stored_time ): bool {
		if ( '' === $stored_time ) {
			return true;
		}
		try {
			return ( new DateTimeImmutable( $time ) ) >= ( new DateTimeImmutable( $stored_time ) );
		} catch ( \Exception $e ) {
			return true;
		}
	}
}
