// Mini-program loader: WXWebAssembly.instantiate (WeChat) or
// TTWebAssembly.instantiate (Douyin) with a path inside the code package;
// entropy from wx.getRandomValues / tt.getRandomValues, asynchronously.

import initGlue from 'mpshield-glue';
import { fail } from './errors.js';
import { loadFailed } from './load.js';
import { createPool, wxRandomValues } from './wx-entropy.js';

/**
 * Where WeChat DevTools' "Build npm" puts the module when the project's
 * package.json sits at the mini-program root: it copies the package's
 * `miniprogram` directory (dist/miniprogram) to miniprogram_npm/mpshield/.
 */
export const DEFAULT_WASM_PATH = '/miniprogram_npm/mpshield/mpshield_bg.wasm.br';

/** Host entropy kept at hand for synchronous top-ups (bytes). */
const POOL_BYTES = 256;

const FIX =
  'Put mpshield_bg.wasm.br (node_modules/mpshield/dist/miniprogram/) in the code package and pass its path as init({ wasmPath }); see the README (Build npm, Taro, uni-app)';

export function miniprogramPlatform() {
  const pool = createPool(POOL_BYTES);
  return {
    name: 'miniprogram',
    load(wasmPath) {
      const path = wasmPath === undefined ? DEFAULT_WASM_PATH : wasmPath;
      if (!/\.wasm(\.br)?$/.test(path)) {
        throw fail(
          'INVALID_INPUT',
          'invalid input: options.wasmPath must be a code-package path ending in .wasm or .wasm.br, got ' + JSON.stringify(path),
        );
      }
      // WeChat's WXWebAssembly, or Douyin's TTWebAssembly (the same call).
      const W =
        typeof WXWebAssembly !== 'undefined' ? WXWebAssembly : typeof TTWebAssembly !== 'undefined' ? TTWebAssembly : 0;
      if (!W || typeof W.instantiate !== 'function') {
        throw loadFailed(path, 'this host has no WXWebAssembly (nor TTWebAssembly)', 'Use WeChat base library 2.15.0 or later (Douyin: 2.92.0.0)');
      }
      // The host answers { instance, module } (or the instance itself).
      return initGlue((imports) =>
        Promise.resolve()
          .then(() => W.instantiate(path, imports))
          .then(
            (r) => (r && r.instance ? r : { instance: r }),
            (e) => {
              throw loadFailed(path, 'instantiate failed (' + ((e && (e.message || e.errMsg)) || e) + ')', FIX, e);
            },
          ),
      );
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
