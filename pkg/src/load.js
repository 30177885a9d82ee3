// Load failures are the integrator's to fix, not mpshield's bugs: a module
// that is not where the loader looks, a server that answers 404 or an HTML
// page, a truncated copy, a host without the globals the build needs. Each
// loader reports them as WASM_LOAD_FAILED with a message that says what was
// loaded, what came back and what to do.

import { fail } from './errors.js';

/** WASM_LOAD_FAILED: `what` was loaded, `got` came back, `fix` says what to do. */
export function loadFailed(what, got, fix, cause) {
  return fail('WASM_LOAD_FAILED', 'could not load the WebAssembly module ' + what + ': ' + got + '. ' + fix, cause);
}

/** The names in `names` that are not globals of this host, joined ("" if none). */
export function missingGlobals(names) {
  return names.filter((n) => typeof globalThis[n] === 'undefined').join(', ');
}

/**
 * Checks that `bytes` (what a fetch or a file read gave) start like a
 * WebAssembly module and instantiates them with `instantiate(bytes)`. A
 * compile or link failure is WASM_LOAD_FAILED (a damaged, truncated or
 * foreign file: `expected` is the size of the module this release ships);
 * anything else (a trap while the module starts) is left to the caller.
 */
export function fromBytes(bytes, what, fix, expected, instantiate) {
  const n = bytes.length;
  const got = n + ' bytes';
  if (n < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    const head = String.fromCharCode.apply(null, bytes.subarray(0, 32)).replace(/[^\x20-\x7e]/g, '.');
    throw loadFailed(what, n ? 'not a WebAssembly file (' + got + ' starting "' + head + '")' : 'an empty file', fix);
  }
  const compileFailed = (e) => {
    const name = e && e.name;
    if (name !== 'CompileError' && name !== 'LinkError') throw e;
    throw loadFailed(
      what,
      'a truncated, damaged or foreign module (' + got + ', this release ships ' + expected + '; ' + e + ')',
      fix,
      e,
    );
  };
  try {
    return Promise.resolve(instantiate(bytes)).catch(compileFailed);
  } catch (e) {
    return compileFailed(e);
  }
}
