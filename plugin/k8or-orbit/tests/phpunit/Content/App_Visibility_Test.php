<?php
/**
 * Deleted and password-protected apps, and operator-only fields, outside Orbit's own routes.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Content;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_Query;
use WP_REST_Request;

/**
 * What core's queries and wp/v2 show of apps to each role.
 */
final class App_Visibility_Test extends Orbit_Test_Case {

	private string $word;
	private int $live;
	private int $deleted;

	protected function setUp(): void {
		parent::setUp();
		$this->word    = 'orbitvisibility' . strtolower( wp_generate_password( 8, false ) );
		$this->live    = $this->app( array( 'post_title' => 'Live ' . $this->word ), array( App_Meta::IMAGE => $this->image_facts() ) );
		$this->deleted = $this->app(
			array( 'post_title' => 'Deleted ' . $this->word ),
			array(
				App_Meta::IMAGE   => $this->image_facts(),
				App_Meta::DELETED => array(
					'deleted'     => true,
					'environment' => 'dev',
				),
			)
		);
	}

	/**
	 * @dataProvider roles
	 *
	 * @param string $role      Role.
	 * @param bool   $sees_them Whether the role sees deleted apps.
	 */
	public function test_queries_of_any_kind_leave_deleted_apps_out_for_those_who_may_not_see_them( string $role, bool $sees_them ): void {
		$this->act_as( $role );
		$expected = $sees_them ? array( $this->live, $this->deleted ) : array( $this->live );

		foreach ( array( App_Post_Type::NAME, 'any', array( 'post', App_Post_Type::NAME ) ) as $post_type ) {
			$query = new WP_Query(
				array(
					'post_type' => $post_type,
					's'         => $this->word,
					'fields'    => 'ids',
				)
			);
			$this->assertEqualsCanonicalizing( $expected, array_map( 'intval', $query->posts ), 'post_type ' . wp_json_encode( $post_type ) );
		}
		// An OR of the query's own meta clauses does not open the door.
		$query = new WP_Query(
			array(
				'post_type'  => App_Post_Type::NAME,
				's'          => $this->word,
				'fields'     => 'ids',
				'meta_query' => array( // phpcs:ignore WordPress.DB.SlowDBQuery
					'relation' => 'OR',
					array(
						'key'     => App_Meta::INDEX_DELETED,
						'compare' => 'EXISTS',
					),
					array(
						'key'     => App_Meta::INDEX_DELETED,
						'compare' => 'NOT EXISTS',
					),
				),
			)
		);
		$this->assertEqualsCanonicalizing( $expected, array_map( 'intval', $query->posts ) );

		$search = new WP_REST_Request( 'GET', '/wp/v2/search' );
		$search->set_query_params( array( 'search' => $this->word ) );
		$this->assertEqualsCanonicalizing( $expected, array_column( $this->dispatch( $search )->get_data(), 'id' ) );

		foreach ( array( '/wp/v2/orbit_app/', '/wp/v2/Orbit_App/', '/wp/v2/ORBIT_APP/' ) as $route ) {
			$this->assertSame( $sees_them ? 200 : 404, $this->dispatch( new WP_REST_Request( 'GET', $route . $this->deleted ) )->get_status(), $route );
		}
	}

	public function roles(): array {
		return array(
			'visitor'       => array( 'anonymous', false ),
			'editor'        => array( 'editor', false ),
			'author'        => array( 'author', false ),
			'operator'      => array( Roles::OPERATOR, true ),
			'administrator' => array( 'administrator', true ),
		);
	}

	public function test_the_bridge_still_finds_a_deleted_app_to_restore_it(): void {
		$this->assertSame( $this->deleted, App_Post_Type::find_by_name( get_post( $this->deleted )->post_name )->ID );
	}

	public function test_editors_do_not_read_operator_only_fields_in_the_edit_context(): void {
		$post_id = $this->app(
			array(),
			array(
				App_Meta::IMAGE => array_merge(
					$this->image_facts(),
					array(
						'uploadedBy' => array(
							'id'    => 1,
							'login' => 'uploader',
						),
					)
				),
				App_Meta::SCAN  => array(
					'status'         => 'scanned',
					'reportLocation' => 'reports/secret.json',
				),
			)
		);

		$this->act_as( 'editor' );
		$meta = $this->edit_context_meta( $post_id );
		$this->assertSame( 'scanned', $meta[ App_Meta::SCAN ]['status'], 'public facts stay' );
		$this->assertArrayNotHasKey( 'reportLocation', $meta[ App_Meta::SCAN ] );
		$this->assertArrayNotHasKey( 'uploadedBy', $meta[ App_Meta::IMAGE ] );
		$this->assertArrayNotHasKey( App_Meta::DELETED, $meta );

		$this->act_as( 'administrator' );
		$meta = $this->edit_context_meta( $post_id );
		$this->assertSame( 'reports/secret.json', $meta[ App_Meta::SCAN ]['reportLocation'] );
		$this->assertSame( 'uploader', $meta[ App_Meta::IMAGE ]['uploadedBy']['login'] );
	}

	public function test_a_password_protected_app_shows_no_orbit_facts_without_the_password(): void {
		$post_id = $this->app( array( 'post_password' => 'open-sesame' ), array( App_Meta::SCAN => array( 'status' => 'unavailable' ) ) );

		$without = $this->dispatch( new WP_REST_Request( 'GET', '/wp/v2/orbit_app/' . $post_id ) )->get_data();
		$this->assertArrayNotHasKey( App_Meta::SCAN, $without['meta'] );
		$this->assertArrayNotHasKey( App_Meta::IMAGE, $without['meta'] );

		$list = new WP_REST_Request( 'GET', '/wp/v2/orbit_app' );
		$list->set_query_params( array( 'include' => array( $post_id ) ) );
		$this->assertArrayNotHasKey( App_Meta::SCAN, $this->dispatch( $list )->get_data()[0]['meta'] );

		$with = new WP_REST_Request( 'GET', '/wp/v2/orbit_app/' . $post_id );
		$with->set_query_params( array( 'password' => 'open-sesame' ) );
		$this->assertSame( 'unavailable', $this->dispatch( $with )->get_data()['meta'][ App_Meta::SCAN ]['status'] );
	}

	/**
	 * @dataProvider roles
	 *
	 * @param string $role Role.
	 */
	public function test_the_catalog_block_lists_only_the_public_catalog_whoever_looks( string $role ): void {
		$protected = $this->app( array( 'post_title' => 'Protected ' . $this->word, 'post_password' => 'open-sesame' ), array( App_Meta::IMAGE => $this->image_facts() ) );
		$draft     = $this->app( array( 'post_title' => 'Draft ' . $this->word, 'post_status' => 'draft' ) );
		$this->act_as( $role );
		$_GET['orbit_q'] = $this->word;
		try {
			$html = do_blocks( '<!-- wp:k8or-orbit/catalog /-->' );
		} finally {
			unset( $_GET['orbit_q'] );
		}
		$this->assertStringContainsString( get_permalink( $this->live ), $html );
		foreach ( array( $this->deleted, $protected, $draft ) as $hidden ) {
			$this->assertStringNotContainsString( get_post( $hidden )->post_name, $html );
		}
	}

	public function test_app_blocks_show_nothing_of_a_protected_app_until_the_password_is_given(): void {
		$post_id = $this->app( array( 'post_password' => 'open-sesame' ), array( App_Meta::IMAGE => $this->image_facts() ) );
		$block   = sprintf( '<!-- wp:k8or-orbit/app-details {"appId":%d} /-->', $post_id );
		$this->assertStringNotContainsString( 'orbit/hello-web', do_blocks( $block ) );

		// The cookie core sets when a visitor enters the password.
		require_once ABSPATH . WPINC . '/class-phpass.php';
		$cookie             = 'wp-postpass_' . COOKIEHASH;
		$_COOKIE[ $cookie ] = ( new \PasswordHash( 8, true ) )->HashPassword( 'open-sesame' );
		try {
			$this->assertStringContainsString( 'orbit/hello-web', do_blocks( $block ) );
		} finally {
			unset( $_COOKIE[ $cookie ] );
		}
	}

	/**
	 * The Orbit meta of an app read through wp/v2 with context=edit.
	 *
	 * @param int $post_id App id.
	 */
	private function edit_context_meta( int $post_id ): array {
		$request = new WP_REST_Request( 'GET', '/wp/v2/orbit_app/' . $post_id );
		$request->set_query_params( array( 'context' => 'edit' ) );
		$response = $this->dispatch( $request );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		return $response->get_data()['meta'];
	}
}
