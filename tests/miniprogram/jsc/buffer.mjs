// The part of Node's Buffer the shared scenarios (tests/js/helpers/) use,
// injected by esbuild into the JavaScriptCore bundles only (profile.mjs):
// it never becomes a global of the emulated mini-program.
import { base64url, fromBase64, hex, utf8Decode, utf8Encode } from './text.mjs';

export class Buffer extends Uint8Array {
  static from(x, encoding) {
    let bytes;
    if (typeof x === 'string') {
      if (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8') bytes = utf8Encode(x);
      else if (encoding === 'base64url' || encoding === 'base64') bytes = fromBase64(x);
      else throw new Error('Buffer shim: encoding ' + encoding);
    } else bytes = Uint8Array.from(x);
    const b = new Buffer(bytes.length);
    b.set(bytes);
    return b;
  }
  static byteLength(s) {
    return utf8Encode(String(s)).length;
  }
  toString(encoding) {
    if (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8') return utf8Decode(this);
    if (encoding === 'base64url') return base64url(this);
    if (encoding === 'hex') return hex(this);
    throw new Error('Buffer shim: encoding ' + encoding);
  }
}
