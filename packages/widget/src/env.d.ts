/// <reference types="vite/client" />

/** The package version, replaced at build time (see vite.config.ts and scripts/build.mjs). */
declare const __WINDBACK_VERSION__: string;

/** The UI bundle the loader fetches (`ui.<hash>.js`) and its SRI value (scripts/build.mjs). */
declare const __WINDBACK_UI__: { file: string; integrity: string };
