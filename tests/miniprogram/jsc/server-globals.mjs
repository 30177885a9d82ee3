// Globals Node has and the jsc shell lacks, for the server realm only.
import { utf8Decode, utf8Encode } from './text.mjs';

class TextEncoder {
  get encoding() {
    return 'utf-8';
  }
  encode(s = '') {
    return utf8Encode(String(s));
  }
  encodeInto(s, dest) {
    const b = utf8Encode(String(s));
    // Whole characters only: back off to a UTF-8 boundary.
    let n = Math.min(b.length, dest.length);
    while (n < b.length && n > 0 && (b[n] & 0xc0) === 0x80) n--;
    dest.set(b.subarray(0, n));
    let read = 0;
    for (let bytes = 0; read < s.length && bytes < n; ) {
      const c = s.codePointAt(read);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      read += c >= 0x10000 ? 2 : 1;
    }
    return { read, written: n };
  }
}

class TextDecoder {
  constructor(label = 'utf-8', options = {}) {
    if (!/^utf-?8$/i.test(label)) throw new RangeError('TextDecoder shim: utf-8 only');
    this.fatal = !!options.fatal;
  }
  get encoding() {
    return 'utf-8';
  }
  decode(input) {
    if (input === undefined) return '';
    const bytes = input instanceof Uint8Array ? input : ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
    const s = utf8Decode(bytes);
    if (this.fatal && s.indexOf('\ufffd') >= 0 && utf8Encode(s).length !== bytes.length) throw new TypeError('The encoded data was not valid');
    return s;
  }
}

/** Only what node.mjs does with URL: a file next to its own file URL. */
class URL {
  constructor(rel, base) {
    this.href = base === undefined ? String(rel) : String(base).replace(/[^/]*$/, '') + String(rel).replace(/^\.\//, '');
  }
  toString() {
    return this.href;
  }
}

globalThis.TextEncoder = TextEncoder;
globalThis.TextDecoder = TextDecoder;
globalThis.URL = URL;
