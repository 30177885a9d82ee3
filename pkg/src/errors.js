// MpShieldError: the one error type of the JavaScript API, and the mapping
// from whatever the glue or the host throws to it.
//
// The Rust boundary (src/wasm/mod.rs) throws plain `Error` objects whose
// `name` is "MpShieldError" and whose `code` is a stable string; they are
// re-thrown here as real MpShieldError instances. Anything else is a bug or a
// host failure and becomes INVALID_INPUT (a TypeError: the glue was handed a
// value of the wrong type) or INTERNAL.

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
  NOT_INITIALIZED: 'mpshield is not initialised: call and await init() before using it',
  INTERNAL: 'internal error: this is a bug in mpshield, please report it',
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

/** Whether `e` is a WebAssembly trap (an instance that may be inconsistent). */
export function isTrap(e) {
  return typeof e === 'object' && e !== null && read(e, 'name') === 'RuntimeError';
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

function safeString(v) {
  try {
    return String(v);
  } catch (e) {
    return typeof v;
  }
}
