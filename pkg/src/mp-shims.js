// Stand-ins for the web globals the wasm-bindgen glue uses and WeChat lacks
// on real devices. scripts/build-pkg.mjs injects these (esbuild `inject`)
// into the mini-program bundle only, replacing the free identifiers
// TextEncoder and TextDecoder; nothing global is touched. The glue's own
// loading path (fetch, URL, WebAssembly.instantiate) is not bundled at all:
// scripts/build-pkg.mjs replaces it with one that calls the loader's
// `instantiate(imports)`, here WXWebAssembly.instantiate.

export { TextEncoder, TextDecoder } from './utf8.js';
