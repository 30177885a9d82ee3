// uni-app 3 (Vite) configuration of the fixture: the README's recipe.
// mpshield is imported as 'mpshield/miniprogram' (src/App.vue); the
// `mpshieldWasm` plugin emits the module where the mini-program build's
// init() looks by default, /miniprogram_npm/mpshield/mpshield_bg.wasm.br —
// or, with MPSHIELD_WASM_SUBPACKAGE=1 (the sub-package variant), into the
// pkgA sub-package, whose path the app then passes as init({ wasmPath }).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'vite';
import uni from '@dcloudio/vite-plugin-uni';

const require = createRequire(import.meta.url);
const sub = process.env.MPSHIELD_WASM_SUBPACKAGE === '1';

/** Emits mpshield's mini-program module into the build at `fileName`. */
function mpshieldWasm(fileName) {
  return {
    name: 'mpshield-wasm',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: readFileSync(require.resolve('mpshield/miniprogram/mpshield_bg.wasm.br')) });
    },
  };
}

export default defineConfig({
  plugins: [uni(), mpshieldWasm(sub ? 'pkgA/mpshield/mpshield_bg.wasm.br' : 'miniprogram_npm/mpshield/mpshield_bg.wasm.br')],
  define: {
    MPSHIELD_WASM_PATH: JSON.stringify(sub ? '/pkgA/mpshield/mpshield_bg.wasm.br' : ''),
  },
});
