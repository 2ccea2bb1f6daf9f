/** Types of chromium.mjs for the TypeScript tests. */
import type { LaunchOptions, Page } from '@playwright/test';

export const chromiumLaunchOptions: LaunchOptions;

export function logIn(
	page: Page,
	stack: { wordpress: { url: string } },
	user: { login: string; password: string }
): Promise< void >;
