// The mini-program entry. mpshield is loaded once, at launch: init()
// instantiates the WebAssembly module with WXWebAssembly and seeds its
// random generator from wx.getRandomValues. Pages wait for `getApp().ready`
// before calling anything else in mpshield (everything after init() is
// synchronous, except what touches storage).
const mpshield = require('mpshield');

// Which module to load. A real mini-program loads the phone module that
// DevTools' "Build npm" puts at /miniprogram_npm/mpshield/mpshield_bg.wasm.br
// (init()'s default). This demo also plays the issuer and the hotel on the
// phone (lib/test-issuer.js, lib/verifier-sim.js), which the phone module
// leaves out, so it loads the full module, copied from
// node_modules/mpshield/dist/mpshield_bg.wasm to miniprogram/demo/ (see
// README.md). A demo only: the full module is larger than a phone should
// download.
const WASM_PATH = '/demo/mpshield_bg.wasm';

// The PIN's Argon2id (deriveStorageKey) takes about 1.5 s on iPhones, where
// WeChat interprets WebAssembly: it runs in a Worker, so the page stays
// responsive. The Worker script sits in the folder app.json's "workers"
// names, its module and client.js outside it, copied from
// node_modules/mpshield/dist/miniprogram-worker/ (see README.md).
const kdfWorker = require('./mpshield-kdf/client.js');
const KDF_WORKER = 'workers/mpshield-kdf/index.js';

async function initMpshield() {
  await mpshield.init({ wasmPath: WASM_PATH, kdfWorker: kdfWorker(KDF_WORKER) });
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
