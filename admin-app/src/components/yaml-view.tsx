/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/** One YAML line split into key, value and comment, for highlighting. */
const LINE = /^(\s*(?:-\s+)?)([^\s#:'"][^:#]*:(?=\s|$))?(.*?)(\s+#.*|#.*)?$/;

function valueClass( value: string ): string {
	const trimmed = value.trim();
	if ( /^(["']).*\1$/.test( trimmed ) ) {
		return 'is-string';
	}
	if ( /^-?[0-9.]+$/.test( trimmed ) ) {
		return 'is-number';
	}
	if ( /^(true|false|null|~)$/.test( trimmed ) ) {
		return 'is-literal';
	}
	return 'is-text';
}

/**
 * YAML with keys, values and comments highlighted, and a button that copies it.
 *
 * @param props      Component props.
 * @param props.name File name, e.g. deployment.yaml.
 * @param props.yaml The file's text.
 */
export function YamlView( { name, yaml }: { name: string; yaml: string } ) {
	const [ copied, setCopied ] = useState( false );
	const copy = async () => {
		await window.navigator.clipboard.writeText( yaml );
		setCopied( true );
	};
	return (
		<figure className="k8or-orbit-yaml">
			<figcaption>
				<code>{ name }</code>{ ' ' }
				<Button
					variant="secondary"
					size="small"
					onClick={ copy }
					label={ sprintf(
						/* translators: %s: file name. */
						__( 'Copy %s', 'k8or-orbit' ),
						name
					) }
				>
					{ copied
						? __( 'Copied', 'k8or-orbit' )
						: __( 'Copy', 'k8or-orbit' ) }
				</Button>
			</figcaption>
			<pre className="k8or-orbit-yaml__text" aria-label={ name }>
				{ yaml.split( '\n' ).map( ( line, index ) => {
					const [
						,
						indent = '',
						key = '',
						value = '',
						comment = '',
					] = LINE.exec( line ) ?? [ '', '', '', line, '' ];
					return (
						<span key={ index } className="k8or-orbit-yaml__line">
							{ indent }
							{ key && <span className="is-key">{ key }</span> }
							{ value && (
								<span className={ valueClass( value ) }>
									{ value }
								</span>
							) }
							{ comment && (
								<span className="is-comment">{ comment }</span>
							) }
							{ '\n' }
						</span>
					);
				} ) }
			</pre>
		</figure>
	);
}
