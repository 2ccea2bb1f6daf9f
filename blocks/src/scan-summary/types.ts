import type { AppBlockAttributes } from '../shared/types';

/**
 * Attributes of k8or-orbit/scan-summary (see block.json).
 */
export type ScanSummaryAttributes = AppBlockAttributes;
