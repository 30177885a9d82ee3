// UTF-8 for hosts without TextEncoder / TextDecoder (WeChat mini-programs on
// real devices). The mini-program bundle injects these classes in place of
// the globals the wasm-bindgen glue uses; browsers and Node use their own.
//
// Behaviour follows the WHATWG Encoding Standard for UTF-8:
// - encoding: lone surrogates become U+FFFD (as TextEncoder does);
// - decoding: overlong forms, encoded surrogates (ED A0..BF), code points
//   above U+10FFFF, stray continuation bytes and truncated sequences are
//   errors; each maximal invalid subpart becomes one U+FFFD, or throws a
//   TypeError when `fatal` is set; a leading BOM is dropped unless
//   `ignoreBOM` is set.
// Streaming decode (`{ stream: true }`) is not supported: the glue never
// uses it, and refusing is better than silently mis-decoding split input.
//
// Plain ES2017; no dependencies.

const REPLACEMENT = 0xfffd;

/** UTF-8 length of `str` (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(str) {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Encodes as much of `str` as fits into `dest` without splitting a
 * character. Returns `{ read, written }`: UTF-16 code units consumed and
 * bytes written, like `TextEncoder.prototype.encodeInto`.
 */
export function utf8EncodeInto(str, dest) {
  const len = str.length;
  const cap = dest.length;
  let i = 0;
  let j = 0;
  while (i < len) {
    let c = str.charCodeAt(i);
    let units = 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < len ? str.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        units = 2;
      } else {
        c = REPLACEMENT;
      }
    }
    if (c < 0x80) {
      if (j + 1 > cap) break;
      dest[j++] = c;
    } else if (c < 0x800) {
      if (j + 2 > cap) break;
      dest[j++] = 0xc0 | (c >> 6);
      dest[j++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      if (j + 3 > cap) break;
      dest[j++] = 0xe0 | (c >> 12);
      dest[j++] = 0x80 | ((c >> 6) & 0x3f);
      dest[j++] = 0x80 | (c & 0x3f);
    } else {
      if (j + 4 > cap) break;
      dest[j++] = 0xf0 | (c >> 18);
      dest[j++] = 0x80 | ((c >> 12) & 0x3f);
      dest[j++] = 0x80 | ((c >> 6) & 0x3f);
      dest[j++] = 0x80 | (c & 0x3f);
    }
    i += units;
  }
  return { read: i, written: j };
}

/** Encodes `str` as a new Uint8Array. */
export function utf8Encode(str) {
  const out = new Uint8Array(utf8Length(str));
  utf8EncodeInto(str, out);
  return out;
}

/**
 * Decodes UTF-8 `bytes` (a Uint8Array). With `fatal`, invalid input throws a
 * TypeError; otherwise each maximal invalid subpart becomes U+FFFD.
 */
export function utf8Decode(bytes, fatal, ignoreBOM) {
  const n = bytes.length;
  let i = 0;
  if (!ignoreBOM && n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  let out = '';
  const units = [];
  const flush = () => {
    out += String.fromCharCode.apply(null, units);
    units.length = 0;
  };
  while (i < n) {
    const b = bytes[i];
    let cp;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else {
      let need;
      let lower = 0x80;
      let upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        cp = b & 0x0f;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        cp = b & 0x07;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else {
        need = 0;
      }
      let k = 1;
      let ok = need > 0;
      while (ok && k <= need) {
        const c = i + k < n ? bytes[i + k] : -1;
        if (c < lower || c > upper) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (c & 0x3f);
        lower = 0x80;
        upper = 0xbf;
        k++;
      }
      if (!ok) {
        if (fatal) throw new TypeError('The encoded data was not valid UTF-8');
        cp = REPLACEMENT;
        // The invalid subpart ends before the offending byte (which may
        // start the next character); a lone bad lead byte is one subpart.
        i += k;
      } else {
        i += need + 1;
      }
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      units.push(cp);
    }
    if (units.length >= 8192) flush();
  }
  flush();
  return out;
}

const LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'];

function isObjectLike(v) {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const viewBuffer = Object.getOwnPropertyDescriptor(typedArrayProto, 'buffer').get;
const viewOffset = Object.getOwnPropertyDescriptor(typedArrayProto, 'byteOffset').get;
const viewLength = Object.getOwnPropertyDescriptor(typedArrayProto, 'byteLength').get;
const dvBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer').get;
const dvOffset = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get;
const dvLength = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;
const abLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;

/** A Uint8Array over any BufferSource (ArrayBuffer or view), any realm. */
function asBytes(input) {
  if (ArrayBuffer.isView(input)) {
    try {
      return new Uint8Array(viewBuffer.call(input), viewOffset.call(input), viewLength.call(input));
    } catch (e) {
      return new Uint8Array(dvBuffer.call(input), dvOffset.call(input), dvLength.call(input));
    }
  }
  if (isObjectLike(input)) {
    try {
      abLength.call(input);
      return new Uint8Array(input);
    } catch (e) {
      // not an ArrayBuffer
    }
  }
  throw new TypeError('The provided value is not of type (ArrayBuffer or ArrayBufferView)');
}

/** A minimal, standards-following TextEncoder (UTF-8 only, as the standard). */
export class TextEncoder {
  get encoding() {
    return 'utf-8';
  }

  encode(input) {
    return utf8Encode(input === undefined ? '' : String(input));
  }

  encodeInto(source, destination) {
    if (!ArrayBuffer.isView(destination)) {
      throw new TypeError('The destination is not a Uint8Array');
    }
    return utf8EncodeInto(String(source), destination);
  }
}

/** A minimal, standards-following TextDecoder for UTF-8 only. */
export class TextDecoder {
  constructor(label, options) {
    const l = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
    if (LABELS.indexOf(l) < 0) {
      throw new RangeError('The encoding "' + String(label) + '" is not supported (UTF-8 only)');
    }
    const o = options === undefined || options === null ? {} : options;
    this._fatal = Boolean(o.fatal);
    this._ignoreBOM = Boolean(o.ignoreBOM);
  }

  get encoding() {
    return 'utf-8';
  }

  get fatal() {
    return this._fatal;
  }

  get ignoreBOM() {
    return this._ignoreBOM;
  }

  decode(input, options) {
    if (options !== undefined && options !== null && options.stream) {
      throw new TypeError('Streaming decode is not supported by this UTF-8 decoder');
    }
    if (input === undefined) return '';
    return utf8Decode(asBytes(input), this._fatal, this._ignoreBOM);
  }
}
