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
use K8or\Orbit\Settings\Settings;
use WP_Error;
use WP_Post;

defined( 'ABSPATH' ) || exit;

/**
 * Turns the facts carried by events into the orbit_app post and its meta.
 */
final class Event_Applier {

	public const MAX_EVENTS = 500;

	/**
	 * The schema of a callback body `{events: [Event, …]}`.
	 */
	public static function body_schema(): array {
		$app_name = array(
			'type'    => 'string',
			'pattern' => Settings::DNS_LABEL_PATTERN,
		);
		return array(
			'type'       => 'object',
			'required'   => array( 'events' ),
			'properties' => array(
				'events' => array(
					'type'     => 'array',
					'minItems' => 1,
					'maxItems' => self::MAX_EVENTS,
					'items'    => array(
						'type'       => 'object',
						'required'   => array( 'jobId', 'seq', 'name', 'appName', 'time' ),
						'properties' => array(
							'jobId'       => array(
								'type'    => 'string',
								'pattern' => '^[A-Za-z0-9._:-]{1,128}$',
							),
							'seq'         => array(
								'type'    => 'integer',
								'minimum' => 1,
							),
							'name'        => array(
								'type'    => 'string',
								'pattern' => '^[a-z0-9-]{1,64}$',
							),
							'step'        => array(
								'type'      => 'string',
								'maxLength' => 64,
							),
							'outcome'     => array(
								'type' => 'string',
								'enum' => array( 'started', 'succeeded', 'failed' ),
							),
							'appName'     => $app_name,
							'environment' => array(
								'type'    => array( 'string', 'null' ),
								'pattern' => Settings::ENVIRONMENT_NAME_PATTERN,
							),
							'actor'       => array(
								'type'       => 'object',
								'properties' => array(
									'id'    => array(
										'type'    => 'integer',
										'minimum' => 0,
									),
									'login' => array(
										'type'      => 'string',
										'maxLength' => 60,
									),
								),
							),
							'time'        => array(
								'type'   => 'string',
								'format' => 'date-time',
							),
							'message'     => array(
								'type'      => 'string',
								'maxLength' => 4000,
							),
							'data'        => array(
								'type'       => 'object',
								'properties' => array(
									'app'          => array(
										'type'       => 'object',
										'properties' => array(
											'title'        => array(
												'type'      => 'string',
												'maxLength' => 200,
											),
											'description'  => array(
												'type'      => 'string',
												'maxLength' => 20000,
											),
											'category'     => array(
												'type'      => 'string',
												'maxLength' => 200,
											),
											'image'        => App_Meta::schema( App_Meta::IMAGE ),
											'scan'         => App_Meta::schema( App_Meta::SCAN ),
											'environments' => App_Meta::schema( App_Meta::ENVIRONMENTS ),
											'deployInputs' => App_Meta::schema( App_Meta::DEPLOY_INPUTS ),
										),
									),
									'image'        => App_Meta::schema( App_Meta::IMAGE ),
									'scan'         => App_Meta::schema( App_Meta::SCAN ),
									'environments' => App_Meta::schema( App_Meta::ENVIRONMENTS ),
									'deleted'      => App_Meta::schema( App_Meta::DELETED ),
								),
							),
						),
					),
				),
			),
		);
	}

	/**
	 * Validates a whole callback body, then applies each event not applied before.
	 *
	 * @param mixed $body Decoded JSON body.
	 * @return array{applied: int, duplicates: int, app: array{id: int, name: string}|null}|WP_Error
	 */
	public function apply_all( $body ) {
		$valid = rest_validate_value_from_schema( $body, self::body_schema(), 'body' );
		if ( is_wp_error( $valid ) ) {
			return new WP_Error(
				'orbit_invalid_events',
				sprintf(
					/* translators: %s: the validation problem. */
					__( 'The events were not applied: %s', 'k8or-orbit' ),
					$valid->get_error_message()
				),
				array( 'status' => 400 )
			);
		}

		$applied    = 0;
		$duplicates = 0;
		$app        = null;
		foreach ( $body['events'] as $event ) {
			if ( ! Applied_Event_Store::claim( $event['jobId'], (int) $event['seq'], $event['name'] ) ) {
				++$duplicates;
				$post = App_Post_Type::find_by_name( $event['appName'] );
			} else {
				$post = $this->apply( $event );
				if ( is_wp_error( $post ) ) {
					Applied_Event_Store::release( $event['jobId'], (int) $event['seq'] );
					return $post;
				}
				if ( $post ) {
					Applied_Event_Store::set_post( $event['jobId'], (int) $event['seq'], $post->ID );
				}
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
	 * Applies one event.
	 *
	 * @param array $event A validated event.
	 * @return WP_Post|null|WP_Error The app post, null when the app has no post (yet).
	 */
	private function apply( array $event ) {
		$data = is_array( $event['data'] ?? null ) ? $event['data'] : array();
		$time = (string) $event['time'];
		$post = App_Post_Type::find_by_name( $event['appName'] );

		if ( isset( $data['app'] ) && is_array( $data['app'] ) ) {
			if ( null === $post ) {
				$post = $this->create_post( $event['appName'], $data['app'], (int) ( $event['actor']['id'] ?? 0 ) );
				if ( is_wp_error( $post ) ) {
					return $post;
				}
			}
			if ( isset( $data['app']['category'] ) && ! has_term( '', Category_Taxonomy::NAME, $post ) ) {
				$term_id = Category_Taxonomy::ensure_term( $data['app']['category'] );
				if ( null !== $term_id ) {
					wp_set_object_terms( $post->ID, array( $term_id ), Category_Taxonomy::NAME );
				}
			}
			$data = array_merge( array_intersect_key( $data['app'], array_flip( array( 'image', 'scan', 'environments', 'deployInputs' ) ) ), array_diff_key( $data, array( 'app' => true ) ) );
		}
		if ( null === $post ) {
			return null;
		}

		$results = array();
		if ( isset( $data['image'] ) ) {
			$results[] = $this->apply_section( $post->ID, App_Meta::IMAGE, $data['image'], $time );
			if ( isset( $data['deployInputs'] ) && $this->is_not_older( $time, App_Meta::read( $post->ID, App_Meta::IMAGE )['updatedAt'] ?? '' ) ) {
				$results[] = App_Meta::write( $post->ID, App_Meta::DEPLOY_INPUTS, $data['deployInputs'] );
			}
		}
		if ( isset( $data['scan'] ) ) {
			$results[] = $this->apply_section( $post->ID, App_Meta::SCAN, $data['scan'], $time );
		}
		if ( isset( $data['environments'] ) ) {
			$results[] = $this->apply_environments( $post->ID, $data['environments'], $time );
		}
		if ( isset( $data['deleted'] ) ) {
			$stored = App_Meta::read( $post->ID, App_Meta::DELETED );
			if ( $this->is_not_older( $time, $stored['at'] ?? '' ) ) {
				$results[] = App_Meta::write( $post->ID, App_Meta::DELETED, array_merge( $data['deleted'], array( 'at' => $time ) ) );
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
			if ( $this->is_not_older( $time, $stored[ $name ]['updatedAt'] ?? '' ) ) {
				$stored[ $name ] = array_merge( (array) $state, array( 'updatedAt' => $time ) );
				$changed         = true;
			}
		}
		return $changed ? App_Meta::write( $post_id, App_Meta::ENVIRONMENTS, $stored ) : true;
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
				sprintf( __( 'The app page could not get the slug %s; another page holds it. Rename or delete that page and resend.', 'k8or-orbit' ), $name ),
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
