/**
 * Attributes shared by the blocks that show one app.
 */
export type AppBlockAttributes = {
	/** Post id of the app to show; 0 means the post the block sits in. */
	appId: number;
};

/**
 * The context the single-app blocks read (declared in their block.json `usesContext`).
 */
export interface AppBlockContext {
	postId?: number;
	postType?: string;
}

/**
 * An `orbit_app` post as `wp/v2` returns it, reduced to what the pickers read.
 */
export interface AppPostRecord {
	id: number;
	title: { rendered: string; raw?: string };
	slug: string;
}
