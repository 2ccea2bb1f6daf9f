import type { AppBlockAttributes } from '../shared/types';

/**
 * Attributes of k8or-orbit/app-details (see block.json).
 */
export type AppDetailsAttributes = AppBlockAttributes;
