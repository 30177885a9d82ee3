// Browser loader: the glue's fetch / WebAssembly.instantiateStreaming path;
// entropy from crypto.getRandomValues.

import initGlue from 'mpshield-glue';

function random(n) {
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (!c || typeof c.getRandomValues !== 'function') return null;
  return c.getRandomValues(new Uint8Array(n));
}

/** `defaultUrl`: URL of mpshield_bg.wasm next to the bundle. */
export function browserPlatform(defaultUrl) {
  return {
    name: 'browser',
    defaultLocation: String(defaultUrl),
    load(wasmPath) {
      return initGlue({ module_or_path: wasmPath === undefined ? defaultUrl : wasmPath });
    },
    seed(n) {
      const bytes = random(n);
      return bytes ? { bytes } : { bytes: null, reason: 'this host has no crypto.getRandomValues' };
    },
    topUp: random,
  };
}
