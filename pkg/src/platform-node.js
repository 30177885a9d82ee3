// Node loader: reads the module from disk, checks it and instantiates it
// synchronously; entropy from node:crypto's getRandomValues.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { webcrypto } from 'node:crypto';
import { initSync } from 'mpshield-glue';
import { fromBytes, loadFailed, missingGlobals } from './load.js';

const random = (n) => webcrypto.getRandomValues(new Uint8Array(n));

const FIX = 'Reinstall mpshield, or pass init({ wasmPath }) with the path of its dist/mpshield_bg.wasm';

/** `defaultFile`: absolute path of mpshield_bg.wasm next to the bundle. */
export function nodePlatform(defaultFile) {
  return {
    name: 'node',
    load(wasmPath) {
      const what = 'from ' + (wasmPath === undefined ? defaultFile : wasmPath);
      // `node --jitless` has no WebAssembly.
      const missing = missingGlobals(['WebAssembly']);
      if (missing) throw loadFailed(what, 'this Node has no ' + missing + ' (was it started with --jitless?)', 'Run Node without --jitless');
      let bytes;
      try {
        const file = wasmPath === undefined ? defaultFile : wasmPath.startsWith('file:') ? fileURLToPath(wasmPath) : wasmPath;
        bytes = readFileSync(file);
      } catch (e) {
        throw loadFailed(what, 'the file could not be read (' + (e.code || e) + ')', FIX, e);
      }
      return fromBytes(bytes, what, FIX, MPSHIELD_WASM_BYTES, (b) => initSync({ module: b }));
    },
    seed: (n) => ({ bytes: random(n) }),
    topUp: (n) => random(n),
  };
}
