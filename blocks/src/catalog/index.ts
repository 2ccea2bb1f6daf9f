/**
 * Internal dependencies
 */
import { registerDynamicBlock } from '../shared/register';
import Edit from './edit';
import metadata from './block.json';
import type { CatalogAttributes } from './types';
import './style.scss';

registerDynamicBlock< CatalogAttributes >( metadata, Edit );
