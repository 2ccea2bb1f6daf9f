/**
 * The catalog at 10 000 and 100 000 apps, seeded straight into MariaDB (bulk SQL, not uploads):
 * p50 and p95 of `k8or-orbit/v1/apps` (first page, a search, a deep page, a category filter)
 * against core's `wp/v2/orbit_app` with the same parameters on the same data, requests
 * interleaved; the public /apps/ archive against core's posts archive holding as many posts;
 * whether the 100 000-app p50 stays within 1.5× of the 10 000-app p50; and whether searching an
 * app's exact name lists that app first.
 */
import { run } from '../scripts/lib/run.mjs';
import { interleave, median, percentile, result } from './lib/measure.mjs';

/** Marks the seeded rows so that they can be told apart and removed. */
const SEED_GUID = 'orbit-bench:';
const WORDS = [
	'hello-web',
	'status-board',
	'redis-cache',
	'postgres',
	'grafana',
	'api-gateway',
	'worker',
	'nginx-proxy',
];
const CATEGORIES = [ 'web', 'databases', 'monitoring', 'tools' ];
const PER_PAGE = 20;
const DEEP_PAGE = 200;
const GOAL_RATIO = 1.0;
const GOAL_GROWTH = 1.5;

/**
 * Runs SQL in the stack's database as MariaDB's root (socket authentication).
 *
 * @param {Object} stack      the stack description
 * @param {string} statements
 */
function sql( stack, statements ) {
	return run(
		'mariadb',
		[
			'--no-defaults',
			`--socket=${ stack.mariadb.socket }`,
			'-uroot',
			'--batch',
			'--skip-column-names',
			stack.mariadb.database,
		],
		{ input: statements }
	);
}

/**
 * Categories for apps and posts alike, so both archives filter the same way.
 *
 * @param {Object} stack the stack description
 */
async function seedTerms( stack ) {
	const values = CATEGORIES.map(
		( slug ) => `('${ slug }', '${ slug }', 0)`
	).join( ', ' );
	await sql(
		stack,
		`INSERT INTO wp_terms (name, slug, term_group) VALUES ${ values };
INSERT INTO wp_term_taxonomy (term_id, taxonomy, description, parent, count)
	SELECT term_id, 'orbit_category', '', 0, 0 FROM wp_terms WHERE slug IN (${ CATEGORIES.map( ( slug ) => `'${ slug }'` ).join( ', ' ) });`
	);
}

/**
 * Adds apps (and as many plain posts) numbered from..to with MariaDB's sequence engine: one
 * statement per table instead of one request per app.
 *
 * @param {Object} stack the stack description
 * @param {number} from
 * @param {number} to
 */
async function seedApps( stack, from, to ) {
	const word = `ELT(1 + seq % ${ WORDS.length }, ${ WORDS.map( ( name ) => `'${ name }'` ).join( ', ' ) })`;
	const name = `CONCAT(${ word }, '-', LOWER(LPAD(HEX(seq), 5, '0')))`;
	const posts = ( type ) =>
		`INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt,
	post_status, comment_status, ping_status, post_password, post_name, to_ping, pinged, post_modified,
	post_modified_gmt, post_content_filtered, post_parent, guid, menu_order, post_type, post_mime_type, comment_count)
SELECT 1, NOW() - INTERVAL seq MINUTE, UTC_TIMESTAMP() - INTERVAL seq MINUTE,
	CONCAT('<!-- wp:paragraph --><p>', REPLACE(${ name }, '-', ' '), ' is a container image of the catalog.</p><!-- /wp:paragraph -->'),
	REPLACE(${ name }, '-', ' '), 'A container image.', 'publish', 'closed', 'closed', '', ${ name }, '', '',
	NOW(), UTC_TIMESTAMP(), '', 0, CONCAT('${ SEED_GUID }${ type }:', seq), 0, '${ type }', '', 0
FROM seq_${ from }_to_${ to };`;
	await sql(
		stack,
		`${ posts( 'orbit_app' ) }
${ posts( 'post' ) }
INSERT INTO wp_term_relationships (object_id, term_taxonomy_id, term_order)
	SELECT p.ID, tt.term_taxonomy_id, 0 FROM wp_posts p
	JOIN wp_term_taxonomy tt ON tt.taxonomy = IF(p.post_type = 'post', 'category', 'orbit_category')
	JOIN wp_terms t ON t.term_id = tt.term_id
	WHERE p.guid LIKE '${ SEED_GUID }%' AND p.post_type IN ('orbit_app', 'post')
		AND CAST(SUBSTRING_INDEX(p.guid, ':', -1) AS UNSIGNED) BETWEEN ${ from } AND ${ to }
		AND (t.slug = ELT(1 + CAST(SUBSTRING_INDEX(p.guid, ':', -1) AS UNSIGNED) % ${ CATEGORIES.length }, ${ CATEGORIES.map( ( slug ) => `'${ slug }'` ).join( ', ' ) })
			OR (p.post_type = 'post' AND t.slug = 'uncategorized'));
INSERT INTO wp_postmeta (post_id, meta_key, meta_value)
	SELECT ID, '_k8or_orbit_scan_status', ELT(1 + ID % 3, 'passed', 'none', 'blocked') FROM wp_posts
	WHERE guid LIKE '${ SEED_GUID }orbit_app:%'
		AND CAST(SUBSTRING_INDEX(guid, ':', -1) AS UNSIGNED) BETWEEN ${ from } AND ${ to };
UPDATE wp_term_taxonomy tt SET count = (SELECT COUNT(*) FROM wp_term_relationships r WHERE r.term_taxonomy_id = tt.term_taxonomy_id);`
	);
}

/**
 * The app named exactly like the search, older than every app whose name merely contains it.
 *
 * @param {Object} stack the stack description
 */
async function seedExactMatch( stack ) {
	await sql(
		stack,
		`UPDATE wp_posts SET post_name = 'hello-web', post_title = 'hello web', post_date = '2001-01-01 00:00:00'
	WHERE guid = '${ SEED_GUID }orbit_app:${ WORDS.length }';`
	);
}

async function removeSeed( stack ) {
	await sql(
		stack,
		`DELETE r FROM wp_term_relationships r JOIN wp_posts p ON p.ID = r.object_id WHERE p.guid LIKE '${ SEED_GUID }%';
DELETE m FROM wp_postmeta m JOIN wp_posts p ON p.ID = m.post_id WHERE p.guid LIKE '${ SEED_GUID }%';
DELETE FROM wp_posts WHERE guid LIKE '${ SEED_GUID }%';
DELETE tt FROM wp_term_taxonomy tt JOIN wp_terms t ON t.term_id = tt.term_id WHERE tt.taxonomy = 'orbit_category' AND t.slug IN (${ CATEGORIES.map( ( slug ) => `'${ slug }'` ).join( ', ' ) });
DELETE FROM wp_terms WHERE slug IN (${ CATEGORIES.map( ( slug ) => `'${ slug }'` ).join( ', ' ) }) AND term_id NOT IN (SELECT term_id FROM wp_term_taxonomy);
UPDATE wp_term_taxonomy tt SET count = (SELECT COUNT(*) FROM wp_term_relationships r WHERE r.term_taxonomy_id = tt.term_taxonomy_id);`
	);
}

async function timedGet( url ) {
	const started = process.hrtime.bigint();
	const response = await fetch( url );
	const body = await response.text();
	const ms = Number( process.hrtime.bigint() - started ) / 1e6;
	if ( response.status !== 200 ) {
		throw new Error(
			`GET ${ url } answered ${ response.status }: ${ body.slice( 0, 300 ) }`
		);
	}
	return { ms, body };
}

async function termId( stack, slug ) {
	const { stdout } = await sql(
		stack,
		`SELECT tt.term_id FROM wp_term_taxonomy tt JOIN wp_terms t ON t.term_id = tt.term_id WHERE tt.taxonomy = 'orbit_category' AND t.slug = '${ slug }';`
	);
	return Number( stdout.trim() );
}

/**
 * The request pairs: Orbit's route and core's with the same parameters.
 *
 * @param {Object} stack      the stack description
 * @param {number} categoryId the term id core filters by (Orbit takes the slug)
 * @param {number} deepPage
 */
function queries( stack, categoryId, deepPage ) {
	const rest = stack.wordpress.restUrl;
	const both = ( label, orbit, core ) => ( {
		label,
		orbit: `${ rest }/k8or-orbit/v1/apps&per_page=${ PER_PAGE }${ orbit }`,
		core: `${ rest }/wp/v2/orbit_app&per_page=${ PER_PAGE }${ core }`,
	} );
	return [
		both( 'first page', '', '' ),
		both( 'search', '&search=hello-web', '&search=hello-web' ),
		both( 'deep page', `&page=${ deepPage }`, `&page=${ deepPage }` ),
		both(
			'category',
			`&category=${ CATEGORIES[ 1 ] }`,
			`&orbit_category=${ categoryId }`
		),
		{
			label: '/apps/ page',
			orbit: `${ stack.wordpress.url }/apps/`,
			core: `${ stack.wordpress.url }/?post_type=post`,
		},
	];
}

async function measureSize( stack, size, samples ) {
	const categoryId = await termId( stack, CATEGORIES[ 1 ] );
	const deepPage = Math.min( DEEP_PAGE, Math.floor( size / PER_PAGE / 2 ) );
	const figures = {};
	for ( const query of queries( stack, categoryId, deepPage ) ) {
		// One unmeasured request each warms PHP's opcode cache and MariaDB's buffer pool.
		await timedGet( query.orbit );
		await timedGet( query.core );
		const runs = await interleave( samples, {
			orbit: async () => ( await timedGet( query.orbit ) ).ms,
			core: async () => ( await timedGet( query.core ) ).ms,
		} );
		figures[ query.label ] = {
			orbit: {
				p50: median( runs.orbit ),
				p95: percentile( runs.orbit, 0.95 ),
			},
			core: {
				p50: median( runs.core ),
				p95: percentile( runs.core, 0.95 ),
			},
		};
	}
	return figures;
}

async function searchPosition( stack ) {
	const { body } = await timedGet(
		`${ stack.wordpress.restUrl }/k8or-orbit/v1/apps&per_page=${ PER_PAGE }&search=hello-web`
	);
	const names = JSON.parse( body ).map( ( app ) => app.name ?? app.slug );
	const position = names.indexOf( 'hello-web' ) + 1;
	return { position, names };
}

export default {
	name: 'catalog',
	title: 'Catalog at scale vs core wp/v2',
	needs: { stack: true },
	async run( { stack, smoke } ) {
		const sizes = smoke ? [ 40, 80 ] : [ 10000, 100000 ];
		const samples = smoke ? 2 : 25;
		await removeSeed( stack );
		const rows = [];
		try {
			await seedTerms( stack );
			const bySize = {};
			let seeded = 0;
			for ( const size of sizes ) {
				await seedApps( stack, seeded + 1, size );
				if ( seeded === 0 ) {
					await seedExactMatch( stack );
				}
				seeded = size;
				bySize[ size ] = await measureSize( stack, size, samples );
				for ( const [ label, { orbit, core } ] of Object.entries(
					bySize[ size ]
				) ) {
					rows.push(
						result( {
							name: `catalog ${ size } ${ label } p50`,
							value: orbit.p50,
							unit: 'ms',
							baseline: core.p50,
							goal: `≤ ${ GOAL_RATIO }× core`,
							ok: orbit.p50 <= core.p50 * GOAL_RATIO,
							note: `p95 ${ orbit.p95.toFixed( 0 ) } vs core ${ core.p95.toFixed( 0 ) } ms`,
						} )
					);
				}
				const { position, names } = await searchPosition( stack );
				rows.push(
					result( {
						name: `catalog ${ size } search exact name first`,
						value: position,
						unit: 'position',
						baseline: 1,
						goal: '= 1',
						ok: position === 1,
						note:
							position === 1
								? undefined
								: `searching hello-web lists: ${ names.slice( 0, 4 ).join( ', ' ) }`,
					} )
				);
			}
			const [ small, large ] = sizes;
			for ( const label of Object.keys( bySize[ large ] ) ) {
				const growth =
					bySize[ large ][ label ].orbit.p50 /
					bySize[ small ][ label ].orbit.p50;
				rows.push(
					result( {
						name: `catalog ${ label } p50 ${ large } vs ${ small }`,
						value: bySize[ large ][ label ].orbit.p50,
						unit: 'ms',
						baseline: bySize[ small ][ label ].orbit.p50,
						goal: `≤ ${ GOAL_GROWTH }×`,
						ok: growth <= GOAL_GROWTH,
						note: `core grows ${ (
							bySize[ large ][ label ].core.p50 /
							bySize[ small ][ label ].core.p50
						).toFixed( 2 ) }×`,
					} )
				);
			}
		} finally {
			await removeSeed( stack );
		}
		return rows;
	},
};
