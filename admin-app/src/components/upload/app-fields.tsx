/**
 * WordPress dependencies
 */
import {
	SelectControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { AppField } from '../../upload/form-state';

interface AppFieldsProps {
	name: string;
	version: string;
	title: string;
	description: string;
	category: string;
	categories: Array< { slug: string; name: string } >;
	/** Why the name is not valid; shown once the user typed a name or tried to submit. */
	nameError: string | null;
	showNameError: boolean;
	/** Why the version label is not valid; shown once typed or on submit. */
	versionError: string | null;
	showVersionError: boolean;
	disabled: boolean;
	onChange: ( field: AppField, value: string ) => void;
}

/**
 * Name, version, title, category and description of the catalog entry.
 *
 * @param props                  Component props.
 * @param props.name             App name.
 * @param props.version          Version label of this upload.
 * @param props.versionError     Why the version label is not valid.
 * @param props.showVersionError Whether to show that.
 * @param props.title            Title.
 * @param props.description      Description.
 * @param props.category         Category slug.
 * @param props.categories       Categories to choose from.
 * @param props.nameError        Why the name is not valid.
 * @param props.showNameError    Whether to show that.
 * @param props.disabled         Whether the fields are disabled.
 * @param props.onChange         Called with a field and its new value.
 */
export function AppFields( {
	name,
	version,
	title,
	description,
	category,
	categories,
	nameError,
	showNameError,
	versionError,
	showVersionError,
	disabled,
	onChange,
}: AppFieldsProps ) {
	const versionHelp = __(
		'Each upload of an app adds a version; the label is unique per app.',
		'k8or-orbit'
	);
	const nameHelp = __(
		'Used in URLs and as the Kubernetes name.',
		'k8or-orbit'
	);
	return (
		<>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Name', 'k8or-orbit' ) }
				help={ showNameError ? ( nameError ?? nameHelp ) : nameHelp }
				value={ name }
				onChange={ ( value ) => onChange( 'name', value ) }
				disabled={ disabled }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Version', 'k8or-orbit' ) }
				help={
					showVersionError
						? ( versionError ?? versionHelp )
						: versionHelp
				}
				value={ version }
				onChange={ ( value ) => onChange( 'version', value ) }
				disabled={ disabled }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Title', 'k8or-orbit' ) }
				value={ title }
				onChange={ ( value ) => onChange( 'title', value ) }
				disabled={ disabled }
			/>
			<SelectControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Category', 'k8or-orbit' ) }
				value={ category }
				options={ [
					{ value: '', label: __( 'None', 'k8or-orbit' ) },
					...categories.map( ( term ) => ( {
						value: term.slug,
						label: term.name,
					} ) ),
				] }
				onChange={ ( value ) => onChange( 'category', value ) }
				disabled={ disabled }
			/>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __( 'Description', 'k8or-orbit' ) }
				value={ description }
				onChange={ ( value ) => onChange( 'description', value ) }
				disabled={ disabled }
			/>
		</>
	);
}
