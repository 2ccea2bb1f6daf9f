/**
 * The running stack the end-to-end tests walk through, and logging in as one of its users.
 */
import fs from 'node:fs';
import path from 'node:path';

export { logIn } from './chromium.mjs';

export interface StackUser {
	id: number;
	login: string;
	password: string;
	applicationPassword: string;
	role: 'administrator' | 'orbit_operator' | 'editor';
}

export interface Stack {
	dataDir: string;
	wordpress: {
		url: string;
		adminUrl: string;
		restUrl: string;
		path: string;
		users: StackUser[];
	};
	bridge: { url: string };
	nats: { websocketUrl: string };
	s3: { endpoint: string };
	registry: { url: string };
}

export function readStack(): Stack {
	const file = process.env.ORBIT_STACK_FILE;
	if ( ! file ) {
		throw new Error(
			'ORBIT_STACK_FILE is not set: run the end-to-end tests through npm test.'
		);
	}
	return JSON.parse( fs.readFileSync( file, 'utf8' ) ) as Stack;
}

export function userWithRole(
	stack: Stack,
	role: StackUser[ 'role' ]
): StackUser {
	const user = stack.wordpress.users.find(
		( candidate ) => candidate.role === role
	);
	if ( ! user ) {
		throw new Error( `The stack has no ${ role } login.` );
	}
	return user;
}

/** Screenshots a person can look at after the run, in the git-ignored artifacts folder. */
export function screenshotPath( name: string ): string {
	return path.resolve(
		__dirname,
		'..',
		'..',
		'artifacts',
		'screenshots',
		`${ name }.png`
	);
}

/**
 * Turns off the block editor's welcome guide and starter-pattern chooser for a user, through
 * the preferences WordPress keeps for them, so the editor opens straight to the canvas.
 */
export async function skipEditorIntroductions( stack: Stack, user: StackUser ) {
	const response = await fetch(
		`${ stack.wordpress.restUrl }/wp/v2/users/me`,
		{
			method: 'POST',
			headers: {
				Authorization: `Basic ${ Buffer.from(
					`${ user.login }:${ user.applicationPassword }`
				).toString( 'base64' ) }`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify( {
				meta: {
					persisted_preferences: {
						'core/edit-post': { welcomeGuide: false },
						core: { enableChoosePatternModal: false },
						_modified: new Date().toISOString(),
					},
				},
			} ),
		}
	);
	if ( ! response.ok ) {
		throw new Error(
			`Could not set the editor preferences of ${ user.login }: ${ response.status } ${ await response.text() }`
		);
	}
}
