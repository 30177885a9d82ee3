// WeChat mini-program loader: WXWebAssembly.instantiate with a path inside
// the code package (the glue's fetch/WebAssembly calls are shimmed, see
// mp-shims.js); entropy from wx.getRandomValues, asynchronously.

import initGlue from 'mpshield-glue';
import { fail } from './errors.js';
import { createPool, wxRandomValues } from './wx-entropy.js';

/**
 * Where WeChat DevTools' "Build npm" puts the module when the project's
 * package.json sits at the mini-program root: it copies the package's
 * `miniprogram` directory (dist/miniprogram) to miniprogram_npm/mpshield/.
 */
export const DEFAULT_WASM_PATH = '/miniprogram_npm/mpshield/mpshield_bg.wasm.br';

/** Host entropy kept at hand for synchronous top-ups (bytes). */
const POOL_BYTES = 256;

export function miniprogramPlatform() {
  const pool = createPool(POOL_BYTES);
  return {
    name: 'miniprogram',
    defaultLocation: DEFAULT_WASM_PATH,
    load(wasmPath) {
      const path = wasmPath === undefined ? DEFAULT_WASM_PATH : wasmPath;
      if (!/\.wasm(\.br)?$/.test(path)) {
        throw fail(
          'INVALID_INPUT',
          'invalid input: options.wasmPath must be a code-package path ending in .wasm or .wasm.br, got ' + JSON.stringify(path),
        );
      }
      if (typeof WXWebAssembly === 'undefined' || !WXWebAssembly || typeof WXWebAssembly.instantiate !== 'function') {
        throw fail(
          'INTERNAL',
          'WXWebAssembly is not available: mpshield needs WeChat base library 2.14.0 or later (2.15.0 for wx.getRandomValues)',
        );
      }
      return initGlue({ module_or_path: path });
    },
    seed(n) {
      return wxRandomValues(n + POOL_BYTES).then((r) => {
        if (!r.bytes) return r;
        pool.put(r.bytes.subarray(n));
        const seed = r.bytes.slice(0, n);
        r.bytes.fill(0);
        return { bytes: seed };
      });
    },
    topUp: (n) => pool.take(n),
  };
}
