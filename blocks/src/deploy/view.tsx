/**
 * Opens the deploy dialog from the buttons render.php printed.
 */

/**
 * WordPress dependencies
 */
import { createRoot } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { DeployDialog } from '../../../ui/src/deploy';
import type { DeployBlockData } from './types';

/**
 * Wires one Deploy block.
 *
 * @param block The block's wrapper element.
 */
export function mountDeployBlock( block: HTMLElement ) {
	const data = JSON.parse(
		block.dataset.orbitDeploy ?? 'null'
	) as DeployBlockData | null;
	const container = block.querySelector< HTMLElement >(
		'.wp-block-k8or-orbit-deploy__dialog'
	);
	if ( ! data || ! container ) {
		return;
	}
	const root = createRoot( container );
	const close = () => root.render( null );
	block
		.querySelectorAll< HTMLButtonElement >( 'button[data-environment]' )
		.forEach( ( button ) =>
			button.addEventListener( 'click', () =>
				root.render(
					<DeployDialog
						target={ data.app }
						environments={ data.environments }
						environment={ button.dataset.environment ?? '' }
						onClose={ close }
						renderStarted={ ( started ) => (
							<p className="wp-block-k8or-orbit-deploy__started">
								{ sprintf(
									/* translators: 1: revision, 2: environment. */
									__(
										'Deploy of revision %1$d to %2$s started.',
										'k8or-orbit'
									),
									started.revision,
									started.environment
								) }{ ' ' }
								<a
									href={ data.jobUrl.replace(
										'%s',
										encodeURIComponent( started.jobId )
									) }
								>
									{ __( 'Follow its steps', 'k8or-orbit' ) }
								</a>
							</p>
						) }
					/>
				)
			)
		);
}

document
	.querySelectorAll< HTMLElement >( '.wp-block-k8or-orbit-deploy' )
	.forEach( mountDeployBlock );
