// MpShieldError: the one error type of the JavaScript API, and the mapping
// from whatever the glue or the host throws to it.
//
// The Rust boundary (src/wasm/mod.rs) throws plain `Error` objects whose
// `name` is "MpShieldError" and whose `code` is a stable string; they are
// re-thrown here as real MpShieldError instances. Anything else is a bug or a
// host failure and becomes INVALID_INPUT (a TypeError: the glue was handed a
// value of the wrong type) or INTERNAL. describeError localises by code.

import { errorMessages } from './messages.js';

/** Every failure of mpshield: an `Error` with a stable string `code`. */
export class MpShieldError extends Error {
  /**
   * @param {string} code stable upper-case code, e.g. "INVALID_ID_NUMBER"
   * @param {string} message plain English, says what to do next
   */
  constructor(code, message) {
    super(message);
    this.code = String(code);
  }
}
Object.defineProperty(MpShieldError.prototype, 'name', {
  value: 'MpShieldError',
  writable: true,
  configurable: true,
  enumerable: false,
});

export const MESSAGES = {
  NOT_INITIALIZED: errorMessages.NOT_INITIALIZED.en,
  INTERNAL: errorMessages.INTERNAL.en,
};

/** Creates an MpShieldError (for `throw fail(...)`). */
export function fail(code, message, cause) {
  const e = new MpShieldError(code, message);
  if (cause !== undefined) {
    Object.defineProperty(e, 'cause', { value: cause, writable: true, configurable: true, enumerable: false });
  }
  return e;
}

function read(obj, key) {
  try {
    return obj[key];
  } catch (e) {
    return undefined;
  }
}

// What wasm-bindgen's runtime throws (src/… of wasm-bindgen 0.2.130:
// `throw_str`, `WasmRefCell` borrow checks) when the module's own invariants
// break: the Rust side stopped in the middle of a call.
const BINDGEN_FATAL = [
  'recursive use of an object detected',
  'attempted to take ownership of Rust value while it was borrowed',
  'null pointer passed to rust',
];

/**
 * Whether `e`, thrown out of a call into the module, means the instance may
 * be inconsistent (its stack pointer, allocator or a borrow flag left
 * mid-update), so that it must not be called again:
 * - a WebAssembly trap (`RuntimeError`: unreachable, out-of-bounds, …);
 * - a `RangeError` or `InternalError` (a JavaScript stack overflow —
 *   "Maximum call stack size exceeded", Firefox's "too much recursion" — or
 *   an allocation failure, raised while the module's code was on the stack;
 *   mpshield cannot tell whether the module was running, so it assumes it
 *   was);
 * - wasm-bindgen's own runtime errors (BINDGEN_FATAL).
 * The library's own MpShieldErrors (and the Rust boundary's errors, named
 * "MpShieldError" with a code) and TypeErrors from argument conversion are
 * not traps. Errors of the host's storage adapters and nonce stores never
 * reach this: they are wrapped (CONSENT_NOT_PERSISTED, …) where they occur.
 */
export function isTrap(e) {
  if (typeof e !== 'object' || e === null) return false;
  try {
    if (e instanceof MpShieldError) return false;
  } catch (err) {
    return false; // a hostile Proxy thrown by the host: not the module's
  }
  const name = read(e, 'name');
  if (name === 'RuntimeError' || name === 'RangeError' || name === 'InternalError') return true;
  if (typeof WebAssembly === 'object' && WebAssembly !== null && typeof WebAssembly.RuntimeError === 'function') {
    try {
      if (e instanceof WebAssembly.RuntimeError) return true;
    } catch (err) {
      // a hostile object: not a trap
    }
  }
  if (name !== 'Error') return false;
  const message = read(e, 'message');
  if (typeof message !== 'string') return false;
  for (let i = 0; i < BINDGEN_FATAL.length; i++) {
    if (message.indexOf(BINDGEN_FATAL[i]) === 0) return true;
  }
  return false;
}

/**
 * Converts anything thrown below the API layer into an MpShieldError.
 * `phase` names what was being done, for the message of unexpected errors.
 */
export function toMpShieldError(e, phase) {
  if (e instanceof MpShieldError) return e;
  const isObj = (typeof e === 'object' && e !== null) || typeof e === 'function';
  const name = isObj ? read(e, 'name') : undefined;
  const code = isObj ? read(e, 'code') : undefined;
  const message = isObj ? read(e, 'message') : undefined;
  const text = typeof message === 'string' ? message : safeString(e);
  if (name === 'MpShieldError' && typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) {
    return fail(code, text, e);
  }
  const where = phase ? ' (' + phase + ')' : '';
  if (name === 'TypeError') {
    return fail('INVALID_INPUT', 'invalid input' + where + ': ' + text, e);
  }
  if (isTrap(e)) {
    return fail(
      'INTERNAL',
      'internal error' + where + ': the WebAssembly instance trapped (' + text +
        '); mpshield refuses further calls in this instance — this is a bug in mpshield, please report it',
      e,
    );
  }
  return fail('INTERNAL', 'internal error' + where + ': ' + text + ' — this is a bug in mpshield, please report it', e);
}

/**
 * The message of something the host threw (a storage adapter's or nonce
 * store's error), for wrapping it in an MpShieldError: its own message,
 * never a trap diagnosis (the host's errors are not the module's).
 */
export function hostErrorMessage(e) {
  if (e instanceof MpShieldError) return e.message;
  const isObj = (typeof e === 'object' && e !== null) || typeof e === 'function';
  const message = isObj ? read(e, 'message') : undefined;
  return typeof message === 'string' ? message : safeString(e);
}

/**
 * The message for an error (anything thrown) or a code, in simplified
 * Chinese or English, from errorMessages. An unknown code falls back to the
 * error's own message (a string argument to itself). `locale`: "zh-CN"
 * (default; any "zh" or "zh-…" tag) or "en" ("en-…"); anything else is
 * INVALID_INPUT. Plain JavaScript: it works before init(), so that init()'s
 * own failures can be described.
 */
export function describeError(errorOrCode, locale) {
  const lang = messageLocale(locale);
  let code = errorOrCode;
  let own;
  if ((typeof errorOrCode === 'object' && errorOrCode !== null) || typeof errorOrCode === 'function') {
    code = read(errorOrCode, 'code');
    own = read(errorOrCode, 'message');
  }
  if (typeof code === 'string' && Object.prototype.hasOwnProperty.call(errorMessages, code)) {
    return errorMessages[code][lang];
  }
  return typeof own === 'string' ? own : safeString(errorOrCode);
}

/** "zh" or "en" for a BCP 47 tag, as ConsentLog.history reads it. */
function messageLocale(tag) {
  if (tag === undefined) return 'zh';
  const t = typeof tag === 'string' ? tag.toLowerCase() : '';
  if (t === 'zh' || t.indexOf('zh-') === 0) return 'zh';
  if (t === 'en' || t.indexOf('en-') === 0) return 'en';
  const got = typeof tag === 'string' ? JSON.stringify(tag.slice(0, 32)) : tag === null ? 'null' : typeof tag;
  throw fail('INVALID_INPUT', 'invalid input: locale must be "zh-CN" or "en", got ' + got);
}

function safeString(v) {
  try {
    return String(v);
  } catch (e) {
    return typeof v;
  }
}
