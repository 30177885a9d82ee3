// Browser ESM entry (dist/browser.mjs): the module is fetched from
// mpshield_compact_bg.wasm (the module compiled for size) next to this file.
// Bundlers recognise the `new URL(..., import.meta.url)` pattern and emit
// that one asset; it is evaluated only when init() loads the module.

import { configure } from './runtime.js';
import { browserPlatform } from './platform-browser.js';

configure(browserPlatform(() => new URL('./mpshield_compact_bg.wasm', import.meta.url)));

export * from './api.js';
export { default } from './api.js';
