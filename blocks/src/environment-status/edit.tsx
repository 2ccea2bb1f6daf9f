/**
 * Internal dependencies
 */
import { AppBlockEdit, type AppBlockEditProps } from '../shared/app-block-edit';
import metadata from './block.json';

/**
 * Editor view of k8or-orbit/environment-status.
 *
 * @param props Block edit props.
 */
export default function Edit( props: AppBlockEditProps ) {
	return <AppBlockEdit blockName={ metadata.name } { ...props } />;
}
