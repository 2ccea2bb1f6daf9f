/**
 * WordPress dependencies
 */
import { lazy } from '@wordpress/element';

/**
 * Every screen is a chunk of its own, fetched the first time it is shown: the console's first
 * screen does not wait for the code (DataViews, charts) of the others. A new screen is one more
 * line here.
 */
export const UploadScreen = lazy( async () => ( {
	default: ( await import( './upload' ) ).UploadScreen,
} ) );
export const ImagesScreen = lazy( async () => ( {
	default: ( await import( './images' ) ).ImagesScreen,
} ) );
export const ScanReportScreen = lazy( async () => ( {
	default: ( await import( './scan-report' ) ).ScanReportScreen,
} ) );
export const EventLogScreen = lazy( async () => ( {
	default: ( await import( './event-log' ) ).EventLogScreen,
} ) );
export const AppScreen = lazy( async () => ( {
	default: ( await import( './app' ) ).AppScreen,
} ) );
export const VersionsScreen = lazy( async () => ( {
	default: ( await import( './versions' ) ).VersionsScreen,
} ) );
