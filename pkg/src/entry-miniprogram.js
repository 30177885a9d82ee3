// WeChat mini-program entry (dist/miniprogram/index.js, CommonJS, ES2017):
// `require('mpshield')` after DevTools' "Build npm". The module is
// instantiated with WXWebAssembly from /miniprogram_npm/mpshield/
// mpshield_bg.wasm.br unless init({ wasmPath }) says otherwise.

import { configure } from './runtime.js';
import { miniprogramPlatform } from './platform-miniprogram.js';

configure(miniprogramPlatform());

export * from './api.js';
export { default } from './api.js';
