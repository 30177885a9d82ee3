// Node ESM entry (dist/node.mjs): reads mpshield_bg.wasm next to this file.
// `storage` is the Node one (with storage.file).

import { fileURLToPath } from 'node:url';
import { configure } from './runtime.js';
import { nodePlatform } from './platform-node.js';
import api from './api.js';
import { storage } from './storage-node.js';

configure(nodePlatform(fileURLToPath(new URL('./mpshield_bg.wasm', import.meta.url))));

export * from './api.js';
export { storage };
export default Object.freeze(Object.assign({}, api, { storage }));
