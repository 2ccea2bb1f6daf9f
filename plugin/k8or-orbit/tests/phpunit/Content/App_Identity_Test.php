<?php
/**
 * Who may create, edit and rename app pages, and which page an app name leads to.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Content;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Content\App_Post_Type;
use K8or\Orbit\Install\Installer;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * The content roles cannot take over an app's identity.
 */
final class App_Identity_Test extends Orbit_Test_Case {

	/**
	 * @dataProvider roles
	 *
	 * @param string $role     Role.
	 * @param bool   $may_edit Whether the role edits app pages.
	 */
	public function test_nobody_creates_app_pages_and_only_editors_and_administrators_edit_them( string $role, bool $may_edit ): void {
		$post_id = $this->app( array(), array( App_Meta::IMAGE => $this->image_facts() ) );
		$this->act_as( $role );
		$type = get_post_type_object( App_Post_Type::NAME );

		$this->assertFalse( current_user_can( $type->cap->create_posts ), "$role may not create app pages" );
		$this->assertSame( $may_edit, current_user_can( 'edit_post', $post_id ), "$role editing an app page" );
		$this->assertSame( $may_edit, current_user_can( 'assign_term', (int) $this->category_term() ), "$role filing an app under a category" );

		$request = new WP_REST_Request( 'POST', '/wp/v2/orbit_app' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'title' => 'Squatter', 'slug' => $this->app_name(), 'status' => 'draft' ) ) );
		$this->assertContains( $this->dispatch( $request )->get_status(), array( 401, 403 ), "$role creating through wp/v2" );
	}

	public function roles(): array {
		return array(
			'administrator' => array( 'administrator', true ),
			'editor'        => array( 'editor', true ),
			'author'        => array( 'author', false ),
			'contributor'   => array( 'contributor', false ),
			'operator'      => array( Roles::OPERATOR, false ),
			'subscriber'    => array( 'subscriber', false ),
		);
	}

	public function test_an_upgrade_gives_editors_the_app_capabilities_of_this_version(): void {
		get_role( 'editor' )->remove_cap( 'edit_orbit_apps' );
		get_role( 'editor' )->add_cap( 'delete_orbit_apps' );
		update_option( Installer::VERSION_OPTION, '0.1.0' );

		Installer::maybe_upgrade();

		$this->assertTrue( get_role( 'editor' )->has_cap( 'edit_orbit_apps' ) );
		$this->assertFalse( get_role( 'editor' )->has_cap( 'delete_orbit_apps' ) );
		$this->assertFalse( get_role( 'author' )->has_cap( 'edit_orbit_apps' ) );
		$this->assertTrue( get_role( 'administrator' )->has_cap( 'delete_orbit_apps' ) );
	}

	/**
	 * @dataProvider editing_roles
	 *
	 * @param string $role Role.
	 */
	public function test_the_app_name_cannot_be_changed_through_wp_v2( string $role ): void {
		$name    = $this->app_name();
		$post_id = $this->app( array( 'post_name' => $name ), array( App_Meta::IMAGE => $this->image_facts() ) );
		$this->act_as( $role );

		$rename = new WP_REST_Request( 'POST', '/wp/v2/orbit_app/' . $post_id );
		$rename->set_header( 'Content-Type', 'application/json' );
		$rename->set_body( wp_json_encode( array( 'slug' => $name . '-renamed' ) ) );
		$response = $this->dispatch( $rename );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'orbit_app_name_immutable', $response->get_data()['code'] );
		$this->assertSame( $name, get_post( $post_id )->post_name );

		$edit = new WP_REST_Request( 'POST', '/wp/v2/orbit_app/' . $post_id );
		$edit->set_header( 'Content-Type', 'application/json' );
		$edit->set_body( wp_json_encode( array( 'title' => 'A better title', 'excerpt' => 'What it does', 'slug' => $name ) ) );
		$this->assertSame( 200, $this->dispatch( $edit )->get_status() );
		$this->assertSame( 'A better title', get_post( $post_id )->post_title );
	}

	public function editing_roles(): array {
		return array(
			'editor'        => array( 'editor' ),
			'administrator' => array( 'administrator' ),
		);
	}

	public function test_other_ways_of_saving_keep_the_app_name_and_trash_still_works(): void {
		$name    = $this->app_name();
		$post_id = $this->app( array( 'post_name' => $name ) );

		wp_update_post( array( 'ID' => $post_id, 'post_name' => 'something-else', 'post_title' => 'Quick edit' ) );
		$this->assertSame( $name, get_post( $post_id )->post_name );
		$this->assertSame( 'Quick edit', get_post( $post_id )->post_title );

		wp_trash_post( $post_id );
		wp_untrash_post( $post_id );
		$this->assertSame( $name, get_post( $post_id )->post_name );
	}

	public function test_a_draft_made_later_under_the_same_name_is_not_the_app(): void {
		$name = $this->app_name();
		$real = $this->app( array( 'post_name' => $name ), array( App_Meta::IMAGE => $this->image_facts() ) );
		// Drafts skip the slug uniqueness check, so an older install may hold such a page.
		$this->app( array( 'post_name' => $name, 'post_status' => 'draft', 'post_title' => 'Squatter' ) );

		$this->assertSame( $real, App_Post_Type::find_by_name( $name )->ID );
	}

	public function test_events_never_land_on_a_draft_that_only_carries_the_name(): void {
		$name     = $this->app_name();
		$squatter = $this->app( array( 'post_name' => $name, 'post_status' => 'draft', 'post_title' => 'Squatter' ) );
		$job      = $this->job_id();

		$response = $this->dispatch(
			$this->signed_callback(
				array(
					'events' => array(
						$this->event(
							$job,
							1,
							$name,
							gmdate( 'c' ),
							array(
								'app' => array(
									'title' => 'The real app',
									'image' => $this->image_facts(),
								),
							)
						),
					),
				)
			)
		);
		$created = App_Post_Type::find_by_name( $name );
		if ( $created ) {
			$this->track_post( $created->ID );
		}

		$this->assertSame( array(), App_Meta::read( $squatter, App_Meta::IMAGE ), 'the squatter got no facts' );
		$this->assertNotSame( $squatter, $created ? $created->ID : 0 );
		$this->assertSame( 409, $response->get_status(), 'the name is taken by a page Orbit does not own: an administrator must remove it' );
	}

	/**
	 * A term of the app categories, removed with the fixtures.
	 */
	private function category_term(): int {
		$term = wp_insert_term( 'Identity ' . wp_generate_password( 6, false ), 'orbit_category' );
		$this->assertIsArray( $term );
		$this->track_term( (int) $term['term_id'] );
		return (int) $term['term_id'];
	}
}
