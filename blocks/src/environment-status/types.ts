import type { AppBlockAttributes } from '../shared/types';

/**
 * Attributes of k8or-orbit/environment-status (see block.json).
 */
export type EnvironmentStatusAttributes = AppBlockAttributes;
