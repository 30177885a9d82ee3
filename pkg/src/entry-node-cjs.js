// Node CommonJS entry (dist/node.cjs): reads mpshield_bg.wasm next to this
// file. `__dirname` is the CommonJS wrapper's, as this is bundled as CJS.
// `storage` is the Node one (with storage.file).

import { join } from 'node:path';
import { configure } from './runtime.js';
import { nodePlatform } from './platform-node.js';
import api from './api.js';
import { storage } from './storage-node.js';

configure(nodePlatform(join(__dirname, 'mpshield_bg.wasm')));

export * from './api.js';
export { storage };
export default Object.freeze(Object.assign({}, api, { storage }));
