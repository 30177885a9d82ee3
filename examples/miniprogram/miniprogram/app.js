// The mini-program entry. mpshield is loaded once, at launch: init()
// instantiates the WebAssembly module with WXWebAssembly and seeds its
// random generator from wx.getRandomValues. Pages wait for `getApp().ready`
// before calling anything else in mpshield (everything after init() is
// synchronous, except what touches storage).
const mpshield = require('mpshield');

// Where DevTools' "Build npm" puts the module. project.config.json sends the
// build of ./package.json to ./miniprogram/ (the mini-program root), so the
// package lands in miniprogram/miniprogram_npm/mpshield/, which is
// /miniprogram_npm/mpshield/ inside the code package. This is also init()'s
// default; it is spelled out so that moving package.json (or using the
// package from a sub-package) is a one-line change here.
const WASM_PATH = '/miniprogram_npm/mpshield/mpshield_bg.wasm.br';

async function initMpshield() {
  await mpshield.init({ wasmPath: WASM_PATH });
  return mpshield;
}

App({
  onLaunch() {
    // A Promise for the loaded library; rejected (with an MpShieldError
    // .code) on a base library without WXWebAssembly or wx.getRandomValues.
    this.ready = initMpshield();
    this.ready.catch(function (e) {
      console.error('mpshield.init failed:', e && e.code, e && e.message);
    });
  },
});
