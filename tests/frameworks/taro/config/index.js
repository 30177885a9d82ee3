// Taro 4 (webpack 5) configuration of the fixture: the README's recipe.
// mpshield is imported as 'mpshield/miniprogram' (src/app.js); the copy rule
// puts the module where the mini-program build's init() looks by default,
// /miniprogram_npm/mpshield/mpshield_bg.wasm.br — or, with
// MPSHIELD_WASM_SUBPACKAGE=1 (the sub-package variant), into the pkgA
// sub-package, whose path the app then passes as init({ wasmPath }).
const sub = process.env.MPSHIELD_WASM_SUBPACKAGE === '1';
const wasmTo = sub ? 'dist/pkgA/mpshield/mpshield_bg.wasm.br' : 'dist/miniprogram_npm/mpshield/mpshield_bg.wasm.br';

export default {
  projectName: 'mpshield-taro-fixture',
  date: '2026-1-1',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: 'dist',
  plugins: [],
  defineConstants: {
    MPSHIELD_WASM_PATH: JSON.stringify(sub ? '/pkgA/mpshield/mpshield_bg.wasm.br' : ''),
  },
  copy: {
    patterns: [{ from: 'node_modules/mpshield/dist/miniprogram/mpshield_bg.wasm.br', to: wasmTo }],
    options: {},
  },
  framework: 'react',
  compiler: 'webpack5',
  // No persistent webpack cache: it kept the other variant's defineConstants.
  cache: { enable: false },
  mini: {},
};
