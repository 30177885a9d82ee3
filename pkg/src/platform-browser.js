// Browser loader: fetches the module (mpshield_compact_bg.wasm), checks what
// came back and instantiates it with WebAssembly.instantiate; entropy from
// crypto.getRandomValues. Nothing here runs at import: a host without
// `document`, `fetch`, `TextDecoder` or `WebAssembly` (a mini-program that
// was handed this build) can import it, and init() says what is missing.

import initGlue from 'mpshield-glue';
import { fromBytes, loadFailed, missingGlobals } from './load.js';

function random(n) {
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (!c || typeof c.getRandomValues !== 'function') return null;
  return c.getRandomValues(new Uint8Array(n));
}

const FIX = 'Serve mpshield_compact_bg.wasm (node_modules/mpshield/dist/) there, or pass init({ wasmPath }) with its URL';
const MP_FIX = 'In a mini-program, import "mpshield/miniprogram" instead of this browser build (README: Taro, uni-app)';

/**
 * `defaultUrl()`: the URL of mpshield_compact_bg.wasm next to the bundle,
 * worked out only when init() needs it (a bundler may rewrite it to
 * something that reads `document`).
 */
export function browserPlatform(defaultUrl) {
  return {
    name: 'browser',
    async load(wasmPath) {
      const missing = missingGlobals(['WebAssembly', 'fetch', 'TextDecoder', 'TextEncoder']);
      if (missing) throw loadFailed('mpshield_compact_bg.wasm', 'this host has no ' + missing, MP_FIX);
      let url = wasmPath;
      if (url === undefined) {
        try {
          url = String(defaultUrl());
        } catch (e) {
          throw loadFailed('mpshield_compact_bg.wasm', 'its URL next to the bundle could not be worked out (' + e + ')', MP_FIX + '; elsewhere pass init({ wasmPath })', e);
        }
      }
      const what = 'from ' + url;
      let res;
      let bytes;
      try {
        res = await fetch(url);
        if (res.ok) bytes = new Uint8Array(await res.arrayBuffer());
      } catch (e) {
        throw loadFailed(what, 'the request failed (' + e + ')', FIX, e);
      }
      if (!bytes) throw loadFailed(what, 'HTTP ' + res.status + (res.statusText ? ' ' + res.statusText : ''), FIX);
      return fromBytes(bytes, what, FIX, MPSHIELD_WASM_BYTES, (b) =>
        initGlue((imports) => WebAssembly.instantiate(b, imports)),
      );
    },
    seed(n) {
      const bytes = random(n);
      return bytes ? { bytes } : { bytes: null, reason: 'this host has no crypto.getRandomValues' };
    },
    topUp: random,
  };
}
