// Stand-ins for the web globals the wasm-bindgen glue uses and WeChat lacks
// on real devices. scripts/build-pkg.mjs injects these (esbuild `inject`)
// into the mini-program bundle only, replacing the free identifiers
// TextEncoder, TextDecoder, fetch, URL and WebAssembly; nothing global is
// touched.
//
// The glue's loading path (wasm-bindgen 0.2.130, `__wbg_init`):
//   module_or_path is a string → `fetch(path)` → awaited →
//   `__wbg_load`: not a Response → `WebAssembly.instantiate(path, imports)` →
//   `instance instanceof WebAssembly.Instance` ? { instance, module } : result.
// So `fetch` hands the path through unchanged, and `WebAssembly.instantiate`
// calls `WXWebAssembly.instantiate(path, imports)` and answers
// `{ instance, module }`, which the glue destructures.

export { TextEncoder, TextDecoder } from './utf8.js';

/** Identity: the "request" is the package path itself. */
export function fetch(input) {
  return input;
}

function toPath(input) {
  if (typeof input === 'string') return input;
  if (input && typeof input.href === 'string') return input.href;
  return input;
}

/** Minimal URL: resolves a relative path against a base path (no scheme). */
export class URL {
  constructor(url, base) {
    const rel = String(url);
    if (base === undefined || rel.charAt(0) === '/') {
      this.href = rel;
    } else {
      const b = String(base);
      this.href = b.slice(0, b.lastIndexOf('/') + 1) + rel.replace(/^\.\//, '');
    }
  }

  toString() {
    return this.href;
  }
}

function Instance() {
  throw new TypeError('WebAssembly.Instance is not available in mini-programs; use WXWebAssembly.instantiate');
}

function Module() {
  throw new TypeError('WebAssembly.Module is not available in mini-programs; use WXWebAssembly.instantiate');
}

function instantiate(source, imports) {
  const path = toPath(source);
  if (typeof path !== 'string') {
    return Promise.reject(new TypeError('WXWebAssembly.instantiate takes a code-package path, not bytes'));
  }
  return Promise.resolve(WXWebAssembly.instantiate(path, imports)).then((result) => {
    if (result && result.instance) return { instance: result.instance, module: result.module };
    return { instance: result, module: undefined };
  });
}

const WebAssemblyShim = { instantiate, Instance, Module };
export { WebAssemblyShim as WebAssembly };
