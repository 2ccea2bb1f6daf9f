/**
 * Attributes of k8or-orbit/catalog (see block.json).
 */
export type CatalogAttributes = {
	layout: 'grid' | 'list';
	/** Apps per page, 1–50 (the server clamps it too). */
	itemsPerPage: number;
	/** Slug of an `orbit_category` to always filter by; empty lets visitors choose. */
	category: string;
	showScanBadge: boolean;
};

/**
 * An `orbit_category` term as `wp/v2` returns it, reduced to what the settings read.
 */
export interface CategoryTerm {
	id: number;
	name: string;
	slug: string;
}

export const MIN_ITEMS_PER_PAGE = 1;
export const MAX_ITEMS_PER_PAGE = 50;
