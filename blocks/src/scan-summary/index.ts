/**
 * Internal dependencies
 */
import { registerDynamicBlock } from '../shared/register';
import Edit from './edit';
import metadata from './block.json';
import type { ScanSummaryAttributes } from './types';
import './style.scss';

registerDynamicBlock< ScanSummaryAttributes >( metadata, Edit );
