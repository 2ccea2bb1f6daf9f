<?php
/**
 * /dead-letters: callbacks WordPress refused, kept by the bridge, and their re-delivery.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Rest;

use K8or\Orbit\Access\Capabilities;
use K8or\Orbit\Contract\Contract;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Lists the refused callbacks and asks the bridge to deliver one again, for administrators only:
 * the events carry deploy inputs, whose values are often secrets.
 */
final class Dead_Letters_Controller extends Controller {

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$this->rest_base = 'dead-letters';
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array(
						'limit' => array(
							'description' => __( 'Refused callbacks to list, newest first.', 'k8or-orbit' ),
							'type'        => 'integer',
							'minimum'     => 1,
							'maximum'     => Contract::limit( 'deadLetters.listed' ),
							'default'     => Contract::limit( 'deadLetters.listed' ),
						),
					),
				),
				'schema' => fn() => $this->list_schema(),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>' . trim( Contract::pattern( 'deadLetterId' ), '^$' ) . ')/deliver',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'deliver_item' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => array(
						'id' => array(
							'description' => __( 'Id of the refused callback.', 'k8or-orbit' ),
							'type'        => 'string',
							'pattern'     => Contract::pattern( 'deadLetterId' ),
							'required'    => true,
						),
					),
				),
				'schema' => fn() => $this->delivery_schema(),
			)
		);
	}

	/**
	 * Refused callbacks are for the people who read the event log (operators and administrators):
	 * they already see what the events carry.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public function get_items_permissions_check( $request ) {
		return $this->require_any( Capabilities::READ_JOBS );
	}

	/**
	 * The refused callbacks, newest first.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function get_items( $request ) {
		return $this->relay( $this->bridge()->request( 'GET', '/v1/dead-letters?limit=' . (int) $request['limit'] ), $this->list_schema() );
	}

	/**
	 * Delivers one refused callback again; WordPress applies each event once.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|\WP_Error
	 */
	public function deliver_item( $request ) {
		return $this->relay(
			$this->bridge()->request( 'POST', '/v1/dead-letters/' . rawurlencode( (string) $request['id'] ) . '/deliver', array( 'actor' => $this->actor() ) ),
			$this->delivery_schema()
		);
	}

	/**
	 * One refused callback.
	 */
	protected function build_schema(): array {
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-dead-letter',
			),
			self::letter_schema()
		);
	}

	/**
	 * One refused callback: the events, WordPress's status and answer, and whether it went through since.
	 */
	private static function letter_schema(): array {
		$date = self::answer_string( 40, array( 'format' => 'date-time' ) );
		return self::answer_object(
			array(
				'letterId'    => self::answer_string( 160, array( 'pattern' => Contract::pattern( 'deadLetterId' ) ) ),
				'jobId'       => self::answer_string( 128, array( 'pattern' => Contract::pattern( 'jobId' ) ) ),
				'appName'     => self::answer_string( 63, array( 'pattern' => Contract::pattern( 'appName' ) ) ),
				'environment' => self::answer_string( 63, array( 'type' => array( 'string', 'null' ) ) ),
				'events'      => self::answer_array( self::event_schema(), Contract::limit( 'eventsPerCallback' ) ),
				'httpStatus'  => self::answer_count(),
				'answer'      => self::answer_string( Contract::limit( 'deadLetters.answerLength' ) ),
				'status'      => self::answer_string( 16, array( 'enum' => array( 'refused', 'delivered' ) ) ),
				'refusals'    => self::answer_count(),
				'refusedAt'   => $date,
				'deliveredAt' => $date,
			),
			array( 'letterId', 'jobId', 'appName', 'events', 'httpStatus', 'answer', 'status' )
		);
	}

	/**
	 * The list answer.
	 */
	private function list_schema(): array {
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-dead-letters',
			),
			self::answer_object(
				array( 'items' => self::answer_array( self::letter_schema(), Contract::limit( 'deadLetters.listed' ) ) ),
				array( 'items' )
			)
		);
	}

	/**
	 * The answer of a re-delivery: the letter as it is now and what WordPress did with its events.
	 */
	private function delivery_schema(): array {
		return array_merge(
			array(
				'$schema' => 'http://json-schema.org/draft-04/schema#',
				'title'   => 'orbit-dead-letter-delivery',
			),
			self::answer_object(
				array(
					'letter'     => self::letter_schema(),
					'applied'    => self::answer_count(),
					'duplicates' => self::answer_count(),
				),
				array( 'letter' )
			)
		);
	}
}
