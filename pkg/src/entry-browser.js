// Browser ESM entry (dist/browser.mjs): the module is fetched from
// mpshield_compact_bg.wasm (the module compiled for size) next to this
// file (bundlers recognise the
// `new URL(..., import.meta.url)` pattern and emit the asset).

import { configure } from './runtime.js';
import { browserPlatform } from './platform-browser.js';

configure(browserPlatform(new URL('./mpshield_compact_bg.wasm', import.meta.url)));

export * from './api.js';
export { default } from './api.js';
