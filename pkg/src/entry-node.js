// Node ESM entry (dist/node.mjs): reads mpshield_bg.wasm next to this file.

import { fileURLToPath } from 'node:url';
import { configure } from './runtime.js';
import { nodePlatform } from './platform-node.js';

configure(nodePlatform(fileURLToPath(new URL('./mpshield_bg.wasm', import.meta.url))));

export * from './api.js';
export { default } from './api.js';
