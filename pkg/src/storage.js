// Storage adapters for the consent log: objects `{ get(key), set(key, bytes),
// remove(key) }` whose methods may return values or Promises. `get` resolves
// to the stored bytes (Uint8Array or ArrayBuffer) or `undefined`.
//
// Built in here (every runtime): memory(), wx(wx) for WeChat storage and
// localStorage(). The Node file adapter is in storage-node.js, so that no
// node: import reaches the browser or mini-program bundles.
//
// An adapter may carry `maxValueBytes`: the largest value it can store under
// one key. log.save() then keeps every segment at or below it. The WeChat
// adapter stores base64 text (wx storage keeps JSON-serialisable data only)
// and sets it so that a segment, base64-encoded with its key, stays under
// WeChat's 1 MB per key.

import { fail } from './errors.js';
import { LIMITS, bytes, describe, member, string } from './args.js';
import { fn, namespace } from './runtime.js';

// --- base64 (no atob/btoa in WeChat) -----------------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with padding. */
export function toBase64(b) {
  const parts = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < b.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, b.length);
    let s = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      s += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
    }
    if (i < end) {
      const n = (b[i] << 16) | (i + 1 < end ? b[i + 1] << 8 : 0);
      s += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
      s += i + 1 < end ? ALPHABET[(n >> 6) & 63] + '=' : '==';
    }
    parts.push(s);
  }
  return parts.join('');
}

/** Decodes standard base64 with padding; `null` if it is not that. */
export function fromBase64(s) {
  if (typeof s !== 'string' || s.length % 4 !== 0) return null;
  let pad = 0;
  if (s.length > 0 && s[s.length - 1] === '=') pad = s[s.length - 2] === '=' ? 2 : 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      let v;
      if (c === 61 && i + 4 === s.length && j >= 4 - pad) v = 0;
      else v = c < 128 ? DECODE[c] : -1;
      if (v < 0) return null;
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

// --- adapters ----------------------------------------------------------------

function adapter(methods, maxValueBytes) {
  const a = { get: methods.get, set: methods.set, remove: methods.remove };
  if (maxValueBytes !== undefined) a.maxValueBytes = maxValueBytes;
  return Object.freeze(a);
}

/** Copies bytes for storing, so later changes by the caller do not leak in. */
function copy(value, name) {
  return bytes(value, name, LIMITS.storedValue).slice();
}

/** WeChat allows 1 MB per key: 700 KiB of bytes is 933 KiB of base64. */
export const WX_MAX_VALUE_BYTES = 700 * 1024;

/** Calls a callback-style wx storage API; resolves its result. */
function wxCall(wxObj, api, args) {
  return new Promise(function (resolve, reject) {
    const opts = Object.assign({}, args, {
      success: resolve,
      fail: function (res) {
        const msg = res && typeof res.errMsg === 'string' ? res.errMsg : api + ':fail';
        reject(new Error(msg));
      },
    });
    wxObj[api](opts);
  });
}

export const storage = namespace({
  /**
   * In-memory storage (tests, or a cache in front of another adapter).
   * `.entries()` lists what it holds, `.bytesUsed()` its size.
   */
  memory: fn(function memory() {
    const map = new Map();
    return Object.freeze({
      get: function (key) {
        const v = map.get(string(key, 'key'));
        return v === undefined ? undefined : v.slice();
      },
      set: function (key, value) {
        map.set(string(key, 'key'), copy(value, 'bytes'));
      },
      remove: function (key) {
        map.delete(string(key, 'key'));
      },
      entries: function () {
        return Array.from(map.entries(), function (e) {
          return [e[0], e[1].slice()];
        });
      },
      bytesUsed: function () {
        let n = 0;
        map.forEach(function (v, k) {
          n += k.length + v.length;
        });
        return n;
      },
    });
  }),

  /**
   * WeChat storage through wx.getStorage / setStorage / removeStorage. Bytes
   * are stored as base64 strings; a missing key reads as `undefined`.
   */
  wx: fn(function wx(wxObj) {
    if (!hasMethods(wxObj, ['getStorage', 'setStorage', 'removeStorage'])) {
      throw fail(
        'INVALID_INPUT',
        'invalid input: storage.wx(wx) needs the mini-program\'s wx object (with getStorage, setStorage, removeStorage), got ' + describe(wxObj),
      );
    }
    return adapter(
      {
        get: function (key) {
          return wxCall(wxObj, 'getStorage', { key: string(key, 'key') }).then(
            function (res) {
              const data = res ? res.data : undefined;
              if (data === undefined || data === '') return undefined;
              const b = fromBase64(data);
              // Not ours (or altered): hand back something that is not bytes.
              return b === null ? data : b;
            },
            function (e) {
              if (/data not found/.test(e.message)) return undefined;
              throw e;
            },
          );
        },
        set: function (key, value) {
          return wxCall(wxObj, 'setStorage', { key: string(key, 'key'), data: toBase64(bytes(value, 'bytes', LIMITS.storedValue)) }).then(
            function () {},
          );
        },
        remove: function (key) {
          return wxCall(wxObj, 'removeStorage', { key: string(key, 'key') }).then(function () {});
        },
      },
      WX_MAX_VALUE_BYTES,
    );
  }),

  /**
   * The browser's localStorage (or any object with getItem / setItem /
   * removeItem, e.g. sessionStorage), holding base64 strings.
   */
  localStorage: fn(function localStorage(target) {
    let ls = target;
    if (ls === undefined) {
      try {
        ls = globalThis.localStorage;
      } catch (e) {
        ls = undefined; // access denied (opaque origins, disabled storage)
      }
    }
    if (!hasMethods(ls, ['getItem', 'setItem', 'removeItem'])) {
      throw fail(
        'INVALID_INPUT',
        'invalid input: storage.localStorage() needs a localStorage (this runtime has none usable); pass a Storage-like object or use another adapter',
      );
    }
    return adapter({
      get: function (key) {
        const v = ls.getItem(string(key, 'key'));
        if (v === null) return undefined;
        const b = fromBase64(v);
        return b === null ? v : b;
      },
      set: function (key, value) {
        ls.setItem(string(key, 'key'), toBase64(bytes(value, 'bytes', LIMITS.storedValue)));
      },
      remove: function (key) {
        ls.removeItem(string(key, 'key'));
      },
    });
  }),
});

/** Whether `obj` has methods `names` of its own or from a class (see args.js `member`). */
function hasMethods(obj, names) {
  try {
    if (typeof obj !== 'object' || obj === null) return false;
    for (let i = 0; i < names.length; i++) {
      if (typeof member(obj, names[i]) !== 'function') return false;
    }
    return true;
  } catch (e) {
    return false;
  }
}

/**
 * Checks that `value` is a storage adapter; returns it. Its methods may be
 * its own or inherited from a class, not from Object.prototype.
 */
export function storageAdapter(value, name) {
  const ok = hasMethods(value, ['get', 'set', 'remove']);
  if (!ok) {
    throw fail(
      'INVALID_INPUT',
      'invalid input: ' + name + ' must be a storage adapter { get(key), set(key, bytes), remove(key) } (e.g. storage.memory(), storage.wx(wx)), got ' + describe(value),
    );
  }
  return value;
}
