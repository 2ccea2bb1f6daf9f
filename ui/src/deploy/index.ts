/**
 * The deploy dialog and its parts, shared by the console and the Deploy block.
 */
export * from './api';
export * from './deploy-dialog';
export * from './format';
export * from './inputs';
export * from './manifest-diff';
export * from './rollback-dialog';
export * from './types';
export * from './verdict';
