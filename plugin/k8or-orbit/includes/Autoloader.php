<?php
/**
 * Class autoloader.
 *
 * @package K8or\Orbit
 */

namespace K8or\Orbit;

defined( 'ABSPATH' ) || exit;

/**
 * Maps K8or\Orbit\<Area>\<Class_Name> to includes/<Area>/<Class_Name>.php.
 */
final class Autoloader {

	private const PREFIX = __NAMESPACE__ . '\\';

	/**
	 * Registers the autoloader once.
	 */
	public static function register(): void {
		static $registered = false;
		if ( ! $registered ) {
			spl_autoload_register( array( self::class, 'load' ) );
			$registered = true;
		}
	}

	/**
	 * Loads a class of this plugin.
	 *
	 * @param string $class_name Fully qualified class name.
	 */
	public static function load( string $class_name ): void {
		if ( ! str_starts_with( $class_name, self::PREFIX ) ) {
			return;
		}
		$relative = substr( $class_name, strlen( self::PREFIX ) );
		// Class names are letters, digits and underscores only; anything else is not ours.
		if ( ! preg_match( '/^[A-Za-z0-9_\\\\]+$/', $relative ) ) {
			return;
		}
		$file = __DIR__ . '/' . str_replace( '\\', '/', $relative ) . '.php';
		if ( is_readable( $file ) ) {
			require_once $file;
		}
	}
}
