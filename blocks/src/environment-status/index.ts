/**
 * Internal dependencies
 */
import { registerDynamicBlock } from '../shared/register';
import Edit from './edit';
import metadata from './block.json';
import type { EnvironmentStatusAttributes } from './types';
import './style.scss';

registerDynamicBlock< EnvironmentStatusAttributes >( metadata, Edit );
