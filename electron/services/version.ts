/** Hearth's version: injected from package.json at build time; `0.0.0-dev` when run from source. */
declare const __HEARTH_VERSION__: string | undefined;

export const APP_VERSION: string = typeof __HEARTH_VERSION__ === 'string' ? __HEARTH_VERSION__ : '0.0.0-dev';
