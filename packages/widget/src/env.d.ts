/// <reference types="vite/client" />

/** The package version, replaced at build time (see vite.config.ts and scripts/build.mjs). */
declare const __WINDBACK_VERSION__: string;
