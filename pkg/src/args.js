// Argument checks shared by every capability. Each returns a value the glue
// can take safely or throws MpShieldError INVALID_INPUT naming the argument.
// They never trust a value's own methods or getters: typed arrays are read
// through the intrinsic getters (which also work across realms), and any
// exception raised while inspecting a value (a hostile Proxy, a throwing
// getter) becomes INVALID_INPUT too.
//
// Caller objects are read by their own properties only: options objects as
// `{ ...options }` would see them (own enumerable properties), so that host
// code that adds `Object.prototype.requireKeyBinding = false` (or any other
// "prototype pollution") cannot change what a call does. Objects with
// methods (storage adapters, nonce stores, the wx object) may inherit their
// methods from a class, but never from Object.prototype (see `member`).
//
// Every byte and string input has a maximum size (LIMITS), checked here
// before anything is copied into the module: the module's memory is at most
// 4 GiB, and an input near that size would make it trap instead of fail.

import { MpShieldError, fail } from './errors.js';

const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
const taTag = getter(typedArrayProto, Symbol.toStringTag);
const taBuffer = getter(typedArrayProto, 'buffer');
const taOffset = getter(typedArrayProto, 'byteOffset');
const taLength = getter(typedArrayProto, 'byteLength');
const abLength = getter(ArrayBuffer.prototype, 'byteLength');

const MiB = 1024 * 1024;

/**
 * The largest inputs accepted, in bytes (byte inputs) or UTF-16 code units
 * (strings); a larger one is INVALID_INPUT before the module is called.
 * Documented in pkg/README.md ("Input sizes") and index.d.ts (`LIMITS`).
 */
export const LIMITS = Object.freeze({
  /** A plaintext to seal in one shot (seal, hpke.seal, SenderContext.seal); use the streams beyond it. */
  plaintext: 64 * MiB,
  /**
   * Any other byte input: envelopes and ciphertexts (room for the largest
   * plaintext's envelope: header, enc and tag take under 1 KiB), receipts,
   * aad, info, keys.
   */
  bytes: 64 * MiB + 1024,
  /** A stream's push(): src/seal/stream.rs MAX_CHUNK_SIZE (16 MiB) plus a sealed chunk's 21 bytes of overhead. */
  streamChunk: 16 * MiB + 21,
  /** Any string not named below: SD-JWTs, presentations, requests, notes, ids, PINs. */
  text: 1 * MiB,
  /** `envelope.fromText`: the base64url text of the largest envelope (LIMITS.bytes). */
  envelopeText: Math.ceil(((64 * MiB + 1024) * 4) / 3),
  /**
   * A value written to or read from a storage adapter (the wallet state holds
   * up to 256 credentials; a consent-log segment is at most 16 MiB).
   */
  storedValue: 256 * MiB,
  /** A structured (JSON) argument, as JSON text: claims, records, JWKs, choices. */
  json: 1 * MiB,
  /**
   * deriveStorageKey's Argon2id parameters (src/consent/store.rs KDF_MAX_*):
   * memory 8 × parallelism KiB … 256 MiB, 1–16 passes, 1–4 lanes.
   */
  argon2: Object.freeze({ maxMemoryKib: 256 * 1024, maxIterations: 16, maxParallelism: 4 }),
});

/** A short, safe description of a value for error messages. */
export function describe(v) {
  if (v === null) return 'null';
  const t = typeof v;
  if (t === 'string') return v.length > 32 ? 'a string of length ' + v.length : JSON.stringify(v);
  if (t === 'number' || t === 'boolean' || t === 'undefined') return String(v);
  if (t === 'bigint') return 'a bigint';
  if (t === 'symbol') return 'a symbol';
  if (t === 'function') return 'a function';
  try {
    if (ArrayBuffer.isView(v)) return 'a ' + (taTag.call(v) || 'DataView');
    if (Array.isArray(v)) return 'an array';
  } catch (e) {
    // fall through
  }
  return 'an object';
}

/** The INVALID_INPUT error for `name` not being `expected`. */
export function invalid(name, expected, value) {
  return fail('INVALID_INPUT', 'invalid input: ' + name + ' must be ' + expected + ', got ' + describe(value));
}

/** Whether `v` is an ArrayBuffer (any realm; not a SharedArrayBuffer). */
function isArrayBuffer(v) {
  if (typeof v !== 'object' || v === null) return false;
  if (v instanceof ArrayBuffer) return true;
  // Another realm's ArrayBuffer: confirm with the brand check below. Asking
  // the tag first keeps plain objects off the (slow) exception path.
  if (Object.prototype.toString.call(v) !== '[object ArrayBuffer]') return false;
  try {
    abLength.call(v);
    return true;
  } catch (e) {
    return false;
  }
}

/**
 * Bytes: a Uint8Array (Node's Buffer included) or an ArrayBuffer of at most
 * `max` bytes (default LIMITS.bytes). Returns a fresh Uint8Array view of the
 * same memory (no copy). The length is read through the intrinsic getters
 * before anything else, so an oversized input is refused without touching
 * its contents.
 */
export function bytes(value, name, max) {
  let view;
  try {
    if (ArrayBuffer.isView(value) && taTag.call(value) === 'Uint8Array') {
      const length = taLength.call(value);
      checkSize(length, max === undefined ? LIMITS.bytes : max, name, 'bytes');
      view = new Uint8Array(taBuffer.call(value), taOffset.call(value), length);
    } else if (isArrayBuffer(value)) {
      const length = abLength.call(value);
      checkSize(length, max === undefined ? LIMITS.bytes : max, name, 'bytes');
      view = new Uint8Array(value);
    }
  } catch (e) {
    if (e instanceof MpShieldError) throw e;
    // a detached or otherwise unusable buffer
    view = undefined;
  }
  if (view === undefined) throw invalid(name, 'a Uint8Array or an ArrayBuffer', value);
  return view;
}

/** INVALID_INPUT when `length` exceeds `max` (`unit`: "bytes" or "characters"). */
function checkSize(length, max, name, unit) {
  if (length > max) {
    throw fail(
      'INVALID_INPUT',
      'invalid input: ' + name + ' is too large (' + length + ' ' + unit + '; at most ' + max +
        ' — see LIMITS in the README)',
    );
  }
}

/**
 * `obj[key]` if `obj` has it as its own property or inherits it from a
 * class (any prototype but Object.prototype, of this realm or another);
 * `undefined` otherwise. For the methods of storage adapters and nonce
 * stores: an instance of `class MyStore { get(key) {…} }` works, a plain
 * `{}` does not gain a `get` that host code put on Object.prototype.
 */
export function member(obj, key) {
  let holder = obj;
  while (holder !== null && holder !== undefined) {
    if (Object.prototype.hasOwnProperty.call(holder, key)) {
      if (holder !== obj && isObjectPrototype(holder)) return undefined;
      return obj[key];
    }
    holder = Object.getPrototypeOf(holder);
  }
  return undefined;
}

/** Whether `p` is Object.prototype (this realm's, or another realm's). */
function isObjectPrototype(p) {
  if (p === Object.prototype) return true;
  return Object.getPrototypeOf(p) === null &&
    Object.prototype.hasOwnProperty.call(p, 'isPrototypeOf') &&
    Object.prototype.hasOwnProperty.call(p, 'hasOwnProperty');
}

/** Whether `obj` has `key` as an own property (never throws; a hostile Proxy: false). */
export function hasOwn(obj, key) {
  try {
    return Object.prototype.hasOwnProperty.call(obj, key);
  } catch (e) {
    return false;
  }
}

/** `opts[key]`, which must be present: INVALID_INPUT naming `where` otherwise. */
export function required(opts, key, where) {
  if (opts[key] === undefined) {
    throw fail('INVALID_INPUT', 'invalid input: ' + where + ': options.' + key + ' is required');
  }
  return opts[key];
}

/** A string of at most `max` UTF-16 code units (default LIMITS.text). */
export function string(value, name, max) {
  if (typeof value !== 'string') throw invalid(name, 'a string', value);
  checkSize(value.length, max === undefined ? LIMITS.text : max, name, 'characters');
  return value;
}

/** An integer number in `[min, max]`. */
export function integer(value, name, min, max) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(name, 'an integer from ' + min + ' to ' + max, value);
  }
  return value;
}

/**
 * An options object: `undefined`/`null` (no options) or a plain object whose
 * own enumerable keys are all in `known`. Unknown keys are refused so that a
 * typo ("wasmpath") fails loudly instead of being ignored. Only own
 * enumerable properties are read (as `{ ...value }` would): an option
 * inherited from a prototype — Object.prototype polluted by host code
 * included — is ignored. Returns a copy, with no prototype, holding only the
 * known keys that are not `undefined`, so reading an absent option from it
 * gives `undefined` whatever Object.prototype holds.
 */
export function options(value, name, known) {
  if (value === undefined || value === null) return Object.create(null);
  if (typeof value !== 'object') throw invalid(name, 'an object', value);
  const out = Object.create(null);
  try {
    if (Array.isArray(value)) throw invalid(name, 'an object', value);
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      if (known.indexOf(keys[i]) < 0) {
        throw fail(
          'INVALID_INPUT',
          'invalid input: unknown option ' + JSON.stringify(keys[i]) + ' in ' + name + ' (known: ' + known.join(', ') + ')',
        );
      }
    }
    for (let i = 0; i < known.length; i++) {
      if (!Object.prototype.propertyIsEnumerable.call(value, known[i])) continue;
      const v = value[known[i]];
      if (v !== undefined) out[known[i]] = v;
    }
  } catch (e) {
    if (e instanceof MpShieldError) throw e;
    throw invalid(name, 'a readable object', value);
  }
  return out;
}

// Unpaired UTF-16 surrogates: the glue would replace them with U+FFFD, so a
// signed value would silently differ from the one given.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string that is well-formed UTF-16 (no unpaired surrogates), of at most `max` code units (default LIMITS.text). */
export function text(value, name, max) {
  string(value, name, max);
  if (LONE_SURROGATE.test(value)) {
    throw fail('INVALID_INPUT', 'invalid input: ' + name + ' contains an unpaired UTF-16 surrogate (not valid Unicode text)');
  }
  return value;
}

/** A boolean (not a Boolean object, not a truthy value). */
export function boolean(value, name) {
  if (typeof value !== 'boolean') throw invalid(name, 'true or false', value);
  return value;
}

/** A time in seconds since the Unix epoch: a non-negative safe integer. */
export function seconds(value, name) {
  return integer(value, name, 0, Number.MAX_SAFE_INTEGER);
}

/** An array of well-formed strings; returns a fresh array. */
export function stringArray(value, name) {
  let isArray = false;
  try {
    isArray = Array.isArray(value);
  } catch (e) {
    isArray = false;
  }
  if (!isArray) throw invalid(name, 'an array of strings', value);
  const out = [];
  const budget = { nodes: 0, chars: 0 };
  try {
    const n = value.length;
    if (n > JSON_MAX_NODES) {
      throw fail('INVALID_INPUT', 'invalid input: ' + name + ' holds more than ' + JSON_MAX_NODES + ' strings');
    }
    for (let i = 0; i < n; i++) {
      if (hasOwn(value, i) && typeof value[i] === 'string') spend(budget, value[i], name);
      // A hole is refused, not read through Array.prototype.
      out.push(text(hasOwn(value, i) ? value[i] : undefined, name + '[' + i + ']'));
    }
  } catch (e) {
    if (e instanceof MpShieldError) throw e;
    throw invalid(name, 'a readable array of strings', value);
  }
  return out;
}

/** Deepest nesting and most values a JSON argument may have. */
export const JSON_MAX_DEPTH = 64;
export const JSON_MAX_NODES = 100000;

function isPlainObject(v) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  if (ArrayBuffer.isView(v) || isArrayBuffer(v)) return false;
  if (Object.prototype.toString.call(v) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(v);
  // Object.prototype of this or another realm, or no prototype at all.
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * A JSON value (RFC 8259) given as plain JavaScript data: `null`, booleans,
 * finite numbers, well-formed strings, arrays and plain objects, at most
 * JSON_MAX_DEPTH deep and JSON_MAX_NODES values in all (so cycles and
 * shared-reference bombs are refused, not recursed into). Returns a fresh
 * copy made of this realm's objects; `undefined` members of objects are
 * dropped (as JSON.stringify does). `kind` narrows the top level:
 * 'object' (the default) or 'any'.
 */
export function json(value, name, kind) {
  const budget = { nodes: 0, chars: 0 };
  if ((kind || 'object') === 'object' && !safeIsPlainObject(value)) {
    throw invalid(name, 'a plain object', value);
  }
  try {
    return copyJson(value, name, 0, budget);
  } catch (e) {
    if (e instanceof MpShieldError) throw e;
    throw invalid(name, 'readable JSON data', value);
  }
}

/**
 * `json(value, name, kind)` as JSON text, the form in which the module takes
 * structured arguments (it parses them with the same limits on shape).
 */
export function jsonText(value, name, kind) {
  const copy = json(value, name, kind);
  let t;
  try {
    t = JSON.stringify(copy);
  } catch (e) {
    // RangeError: longer than the host's longest string.
    t = undefined;
  }
  if (t === undefined || t.length > LIMITS.json) {
    throw fail(
      'INVALID_INPUT',
      'invalid input: ' + name + ' is too large (' + (t === undefined ? 'more than the host can hold' : t.length + ' characters') +
        ' of JSON; at most ' + LIMITS.json + ' — see LIMITS in the README)',
    );
  }
  return t;
}

function safeIsPlainObject(v) {
  try {
    return isPlainObject(v);
  } catch (e) {
    return false;
  }
}

/** Counts `s` against the JSON size limit (so a huge argument is refused before it is serialised). */
function spend(budget, s, path) {
  budget.chars += typeof s === 'string' ? s.length : 0;
  if (budget.chars > LIMITS.json) {
    throw fail('INVALID_INPUT', 'invalid input: ' + path + ' is too large (more than ' + LIMITS.json + ' characters of text — see LIMITS in the README)');
  }
  return s;
}

function copyJson(v, path, depth, budget) {
  if (++budget.nodes > JSON_MAX_NODES) {
    throw fail('INVALID_INPUT', 'invalid input: ' + path + ' holds more than ' + JSON_MAX_NODES + ' values');
  }
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!isFinite(v)) throw invalid(path, 'a finite number (JSON has no NaN or Infinity)', v);
    return v;
  }
  if (typeof v === 'string') return text(spend(budget, v, path), path);
  if (depth >= JSON_MAX_DEPTH) {
    throw fail('INVALID_INPUT', 'invalid input: ' + path + ' is nested more than ' + JSON_MAX_DEPTH + ' deep (or refers to itself)');
  }
  if (Array.isArray(v)) {
    const out = [];
    const n = v.length;
    if (n > JSON_MAX_NODES) {
      throw fail('INVALID_INPUT', 'invalid input: ' + path + ' holds more than ' + JSON_MAX_NODES + ' values');
    }
    for (let i = 0; i < n; i++) {
      if (!Object.prototype.hasOwnProperty.call(v, i) || v[i] === undefined) {
        throw invalid(path + '[' + i + ']', 'a JSON value', undefined);
      }
      out.push(copyJson(v[i], path + '[' + i + ']', depth + 1, budget));
    }
    return out;
  }
  if (isPlainObject(v)) {
    const out = {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const k = text(spend(budget, keys[i], path), 'a member name in ' + path);
      const member = v[k];
      if (member === undefined) continue;
      Object.defineProperty(out, k, {
        value: copyJson(member, path + (k.length > 32 ? '[…]' : '.' + k), depth + 1, budget),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw invalid(path, 'JSON data (null, boolean, number, string, array or plain object)', v);
}
