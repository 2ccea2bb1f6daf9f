<?php
/**
 * GET /apps and GET /apps/{id}.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit\Tests\Rest;

use K8or\Orbit\Access\Roles;
use K8or\Orbit\Content\App_Meta;
use K8or\Orbit\Tests\Orbit_Test_Case;
use WP_REST_Request;

/**
 * What visitors and operators see in the catalog.
 */
final class Apps_Controller_Test extends Orbit_Test_Case {

	private int $published;
	private int $draft;
	private int $deleted;
	private int $private;
	private string $search;

	protected function setUp(): void {
		parent::setUp();
		// A word only these fixtures carry, so other content on the site does not disturb the counts.
		$this->search    = 'orbitfixture' . strtolower( wp_generate_password( 8, false ) );
		$facts           = array(
			App_Meta::IMAGE        => $this->image_facts(),
			App_Meta::SCAN         => array(
				'status'         => 'scanned',
				'reportLocation' => 's3://orbit-reports/secret-key.json',
			),
			App_Meta::ENVIRONMENTS => array( 'dev' => array( 'status' => 'deployed', 'revision' => 1 ) ),
		);
		$this->published = $this->app( array( 'post_title' => 'Published ' . $this->search ), $facts );
		$this->draft     = $this->app( array( 'post_title' => 'Draft ' . $this->search, 'post_status' => 'draft' ), $facts );
		$this->private   = $this->app( array( 'post_title' => 'Private ' . $this->search, 'post_status' => 'private' ), $facts );
		$this->deleted   = $this->app(
			array( 'post_title' => 'Deleted ' . $this->search ),
			array_merge( $facts, array( App_Meta::DELETED => array( 'deleted' => true, 'environment' => 'dev' ) ) )
		);
	}

	private function list_ids( array $query = array() ): array {
		$request = new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps' );
		$request->set_query_params( array_merge( array( 'search' => $this->search ), $query ) );
		$response = $this->dispatch( $request );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		return array_column( $response->get_data(), 'id' );
	}

	public function test_visitors_see_only_published_not_deleted_apps_and_public_fields(): void {
		$request = new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps' );
		$request->set_query_params( array( 'search' => $this->search ) );
		$response = $this->dispatch( $request );
		$this->assertSame( array( $this->published ), array_column( $response->get_data(), 'id' ) );

		$item = $response->get_data()[0];
		$json = wp_json_encode( $item );
		$this->assertSame( 'sha256:' . str_repeat( 'a', 64 ), $item['image']['manifestDigest'] );
		$this->assertSame( 'deployed', $item['environments']['dev']['status'] );
		$this->assertArrayNotHasKey( 'uploadedBy', $item['image'] );
		$this->assertArrayNotHasKey( 'reportLocation', $item['scan'] );
		$this->assertArrayNotHasKey( 'deleted', $item );
		$this->assertArrayNotHasKey( 'status', $item );
		$this->assertStringNotContainsString( 'secret-key', $json );
		$this->assertStringNotContainsString( 'operator', $json );
		$this->assertSame( '1', (string) $response->get_headers()['X-WP-Total'] );
	}

	public function test_visitors_and_editors_get_404_for_unpublished_or_deleted_apps(): void {
		foreach ( array( 'anonymous', 'editor' ) as $role ) {
			$this->act_as( $role );
			foreach ( array( $this->draft, $this->deleted, $this->private ) as $id ) {
				$this->assertSame( 404, $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps/' . $id ) )->get_status(), "$role, app $id" );
			}
			$this->assertSame( 200, $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps/' . $this->published ) )->get_status() );
			$this->assertSame( array( $this->published ), $this->list_ids() );
		}
	}

	public function test_include_deleted_needs_orbit_read_jobs(): void {
		$request = new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps' );
		$request->set_query_params( array( 'include_deleted' => true ) );
		$this->assertSame( 401, $this->dispatch( $request )->get_status() );
		$this->act_as( 'editor' );
		$this->assertSame( 403, $this->dispatch( $request )->get_status() );
	}

	public function test_operators_see_drafts_deleted_apps_and_private_fields(): void {
		$this->act_as( Roles::OPERATOR );
		$this->assertEqualsCanonicalizing( array( $this->published, $this->draft, $this->private ), $this->list_ids() );
		$this->assertEqualsCanonicalizing( array( $this->published, $this->draft, $this->private, $this->deleted ), $this->list_ids( array( 'include_deleted' => true ) ) );
		$this->assertSame( array( $this->deleted ), $this->list_ids( array( 'include_deleted' => true, 'deleted' => true ) ) );

		$item = $this->dispatch( new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps/' . $this->deleted ) )->get_data();
		$this->assertTrue( $item['deleted']['deleted'] );
		$this->assertSame( 'operator', $item['image']['uploadedBy']['login'] );
		$this->assertSame( 's3://orbit-reports/secret-key.json', $item['scan']['reportLocation'] );
	}

	public function test_search_matches_the_app_name(): void {
		// "published-<word>" is only in the slug: the title has a space where the name has a hyphen.
		$name = get_post_field( 'post_name', $this->published );
		$this->assertSame( array( $this->published ), $this->list_ids( array( 'search' => $name ) ) );
	}

	public function test_search_lists_the_exact_name_before_newer_longer_names(): void {
		$exact  = $this->app( array( 'post_name' => $this->search, 'post_title' => $this->search, 'post_date' => '2001-01-01 00:00:00' ) );
		$longer = $this->app( array( 'post_name' => $this->search . '-b9707', 'post_title' => $this->search . '-b9707' ) );
		$ids    = $this->list_ids();
		$this->assertSame( $exact, $ids[0], 'the app named exactly like the search comes first' );
		$this->assertContains( $longer, $ids );
		// An explicit order still wins over the ranking: by date, newest first, the 2001 app is not on top.
		$this->assertNotSame( $exact, $this->list_ids( array( 'orderby' => 'date' ) )[0] );
	}

	public function test_filters_and_pagination(): void {
		App_Meta::write( $this->published, App_Meta::SCAN, array( 'status' => 'unavailable' ) );
		$other = $this->app( array( 'post_title' => 'Other ' . $this->search ), array( App_Meta::ENVIRONMENTS => array( 'test' => array( 'status' => 'failed' ) ) ) );

		$this->assertSame( array( $this->published ), $this->list_ids( array( 'scan_status' => 'unavailable' ) ) );
		$this->assertSame( array( $other ), $this->list_ids( array( 'name' => get_post_field( 'post_name', $other ) ) ) );
		$this->assertSame( array( $other ), $this->list_ids( array( 'environment' => 'test' ) ) );
		$this->assertSame( array( $other ), $this->list_ids( array( 'environment_status' => 'failed' ) ) );
		$this->assertSame( array( $this->published ), $this->list_ids( array( 'environment' => 'dev', 'environment_status' => 'deployed' ) ) );
		$this->assertSame( array(), $this->list_ids( array( 'environment' => 'prod' ) ) );

		$term = wp_insert_term( 'Orbit Test ' . $this->search, 'orbit_category' );
		wp_set_object_terms( $other, array( $term['term_id'] ), 'orbit_category' );
		$this->track_post( $other );
		$this->assertSame( array( $other ), $this->list_ids( array( 'category' => get_term( $term['term_id'] )->slug ) ) );

		$this->assertSame( array( $other, $this->published ), $this->list_ids( array( 'orderby' => 'title', 'order' => 'asc' ) ) );

		$request = new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps' );
		$request->set_query_params( array( 'search' => $this->search, 'per_page' => 1, 'page' => 2, 'orderby' => 'title', 'order' => 'asc' ) );
		$response = $this->dispatch( $request );
		$this->assertSame( array( $this->published ), array_column( $response->get_data(), 'id' ) );
		$this->assertSame( '2', (string) $response->get_headers()['X-WP-Total'] );
		$this->assertSame( '2', (string) $response->get_headers()['X-WP-TotalPages'] );
	}

	public function test_bad_filters_are_refused_with_a_message(): void {
		foreach ( array( array( 'scan_status' => 'great' ), array( 'environment' => 'moon' ), array( 'per_page' => 1000 ), array( 'orderby' => 'rand' ) ) as $query ) {
			$request = new WP_REST_Request( 'GET', '/k8or-orbit/v1/apps' );
			$request->set_query_params( $query );
			$response = $this->dispatch( $request );
			$this->assertSame( 400, $response->get_status(), wp_json_encode( $query ) );
			$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
		}
	}

	public function test_wp_v2_hides_deleted_apps_and_private_fields_from_visitors(): void {
		$request = new WP_REST_Request( 'GET', '/wp/v2/orbit_app' );
		$request->set_query_params( array( 'search' => $this->search ) );
		$data = $this->dispatch( $request )->get_data();
		$this->assertSame( array( $this->published ), array_column( $data, 'id' ) );
		$this->assertStringNotContainsString( 'secret-key', wp_json_encode( $data ) );

		$this->assertSame( 404, $this->dispatch( new WP_REST_Request( 'GET', '/wp/v2/orbit_app/' . $this->deleted ) )->get_status() );
		$this->assertSame( 200, $this->dispatch( new WP_REST_Request( 'GET', '/wp/v2/orbit_app/' . $this->published ) )->get_status() );
		$this->act_as( Roles::OPERATOR );
		$this->assertSame( 200, $this->dispatch( new WP_REST_Request( 'GET', '/wp/v2/orbit_app/' . $this->deleted ) )->get_status() );
	}
}
