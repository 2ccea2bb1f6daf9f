/**
 * Internal dependencies
 */
import { registerDynamicBlock } from '../shared/register';
import Edit from './edit';
import metadata from './block.json';
import type { AppDetailsAttributes } from './types';
import './style.scss';

registerDynamicBlock< AppDetailsAttributes >( metadata, Edit );
