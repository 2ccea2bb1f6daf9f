/**
 * Internal dependencies
 */
import { registerDynamicBlock } from '../shared/register';
import Edit from './edit';
import metadata from './block.json';
import type { DeployAttributes } from './types';
import './style.scss';

registerDynamicBlock< DeployAttributes >( metadata, Edit );
