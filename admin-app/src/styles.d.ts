// Stylesheets are bundled by @wordpress/scripts; importing one yields nothing usable in code.
declare module '*.scss';
