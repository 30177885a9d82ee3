// Node loader: reads the module from disk and instantiates it synchronously;
// entropy from node:crypto's getRandomValues.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { webcrypto } from 'node:crypto';
import { initSync } from 'mpshield-glue';

const random = (n) => webcrypto.getRandomValues(new Uint8Array(n));

/** `defaultFile`: absolute path of mpshield_bg.wasm next to the bundle. */
export function nodePlatform(defaultFile) {
  return {
    name: 'node',
    defaultLocation: defaultFile,
    load(wasmPath) {
      const file =
        wasmPath === undefined ? defaultFile : wasmPath.startsWith('file:') ? fileURLToPath(wasmPath) : wasmPath;
      initSync({ module: readFileSync(file) });
    },
    seed: (n) => ({ bytes: random(n) }),
    topUp: (n) => random(n),
  };
}
