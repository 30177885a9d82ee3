// The wasm-bindgen glue creates a TextDecoder and a TextEncoder as soon as it
// is imported, so the browser bundle would fail at import in a host without
// them (a mini-program handed the browser build by its bundler) instead of
// at init() with WASM_LOAD_FAILED. scripts/build-pkg.mjs injects these
// stand-ins (esbuild `inject`) into the browser bundle only: each creates the
// host's own codec on first real use, which comes after init() has checked
// that the host has one. Nothing global is touched.

let encoder;
const enc = () => encoder || (encoder = new globalThis.TextEncoder());

export class TextDecoder {
  constructor(label, options) {
    this.o = [label, options];
  }

  decode(bytes) {
    // The glue's warm-up call, decode() with nothing, creates nothing. One
    // host decoder per stand-in: the glue replaces its decoder every 2 GB
    // decoded (a Safari limit), and that still works.
    if (bytes === undefined) return '';
    return (this.d || (this.d = new globalThis.TextDecoder(this.o[0], this.o[1]))).decode(bytes);
  }
}

export class TextEncoder {
  encode(s) {
    return enc().encode(s);
  }

  encodeInto(s, view) {
    return enc().encodeInto(s, view);
  }
}
