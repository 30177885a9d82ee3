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

function invalid(name, expected, value) {
  return fail('INVALID_INPUT', 'invalid input: ' + name + ' must be ' + expected + ', got ' + describe(value));
}

/** Whether `v` is an ArrayBuffer (any realm; not a SharedArrayBuffer). */
function isArrayBuffer(v) {
  if (typeof v !== 'object' || v === null) return false;
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
