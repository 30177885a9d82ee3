// Argument checks shared by every capability. Each returns a value the glue
// can take safely or throws MpShieldError INVALID_INPUT naming the argument.
// They never trust a value's own methods or getters: typed arrays are read
// through the intrinsic getters (which also work across realms), and any
// exception raised while inspecting a value (a hostile Proxy, a throwing
// getter) becomes INVALID_INPUT too.

import { MpShieldError, fail } from './errors.js';

const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
const taTag = getter(typedArrayProto, Symbol.toStringTag);
const taBuffer = getter(typedArrayProto, 'buffer');
const taOffset = getter(typedArrayProto, 'byteOffset');
const taLength = getter(typedArrayProto, 'byteLength');
const abLength = getter(ArrayBuffer.prototype, 'byteLength');

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
 * Bytes: a Uint8Array (Node's Buffer included) or an ArrayBuffer. Returns a
 * fresh Uint8Array view of the same memory (no copy).
 */
export function bytes(value, name) {
  try {
    if (ArrayBuffer.isView(value) && taTag.call(value) === 'Uint8Array') {
      return new Uint8Array(taBuffer.call(value), taOffset.call(value), taLength.call(value));
    }
    if (isArrayBuffer(value)) return new Uint8Array(value);
  } catch (e) {
    // a detached or otherwise unusable buffer
  }
  throw invalid(name, 'a Uint8Array or an ArrayBuffer', value);
}

/** `opts[key]`, which must be present: INVALID_INPUT naming `where` otherwise. */
export function required(opts, key, where) {
  if (opts[key] === undefined) {
    throw fail('INVALID_INPUT', 'invalid input: ' + where + ': options.' + key + ' is required');
  }
  return opts[key];
}

/** A string. */
export function string(value, name) {
  if (typeof value !== 'string') throw invalid(name, 'a string', value);
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
 * typo ("wasmpath") fails loudly instead of being ignored. Returns a copy
 * holding only the known keys that are not `undefined`.
 */
export function options(value, name, known) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw invalid(name, 'an object', value);
  const out = {};
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

/** A string that is well-formed UTF-16 (no unpaired surrogates). */
export function text(value, name) {
  string(value, name);
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
  try {
    const n = value.length;
    for (let i = 0; i < n; i++) out.push(text(value[i], name + '[' + i + ']'));
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
  const budget = { nodes: 0 };
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
  return JSON.stringify(json(value, name, kind));
}

function safeIsPlainObject(v) {
  try {
    return isPlainObject(v);
  } catch (e) {
    return false;
  }
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
  if (typeof v === 'string') return text(v, path);
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
      if (!(i in v) || v[i] === undefined) throw invalid(path + '[' + i + ']', 'a JSON value', v[i]);
      out.push(copyJson(v[i], path + '[' + i + ']', depth + 1, budget));
    }
    return out;
  }
  if (isPlainObject(v)) {
    const out = {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const k = text(keys[i], 'a member name in ' + path);
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
