// SigningKey: an opaque handle on an EdDSA (Ed25519), ES256 (P-256) or SM2
// (gm suite; in modules built with it) key that lives inside the
// WebAssembly module.
//
// The public class wraps the wasm-bindgen class so that every member goes
// through the runtime's guard (NOT_INITIALIZED before init(), MpShieldError
// for every failure). The glue object is kept in a WeakMap, never on the
// instance, so nothing reachable from JavaScript holds a pointer or secret
// bytes; the only way out for the private key is the explicitly named
// exportPrivateJwkDangerously(). Other capabilities that sign (sdjwt,
// licence, later the consent log and the verifier) take the glue object
// with `signingKeyHandle(value, name)`. JWKs cross the boundary as JSON
// text.

import { SigningKey as GlueSigningKey } from 'mpshield-glue';
import { fail } from './errors.js';
import { describe, jsonText, string } from './args.js';
import { ensureReady, fn, guardError, hasTrapped } from './runtime.js';

/** wrapper → glue SigningKey, or null once freed. */
const handles = new WeakMap();

/**
 * A signing key held inside the module. Made by `SigningKey.generate(alg)`
 * or `SigningKey.fromJwk(privateJwk)`; `new SigningKey()` is refused.
 */
export class SigningKey {
  constructor() {
    ensureReady();
    throw fail(
      'INVALID_INPUT',
      'invalid input: SigningKey has no public constructor; use SigningKey.generate(alg) or SigningKey.fromJwk(privateJwk)',
    );
  }
}

function wrap(glueKey) {
  const key = Object.create(SigningKey.prototype);
  handles.set(key, glueKey);
  return key;
}

/**
 * The glue object behind a SigningKey, for bindings that take a key handle.
 * Anything else, and a freed key, is INVALID_INPUT naming the argument.
 */
export function signingKeyHandle(value, name) {
  const glueKey = (typeof value === 'object' || typeof value === 'function') && value !== null
    ? handles.get(value)
    : undefined;
  if (glueKey === undefined) {
    throw fail(
      'INVALID_INPUT',
      'invalid input: ' + name + ' must be a SigningKey (from SigningKey.generate or SigningKey.fromJwk), got ' + describe(value),
    );
  }
  if (glueKey === null) {
    throw fail('INVALID_INPUT', 'invalid input: ' + name + ' has been freed (key.free()); it can no longer be used');
  }
  return glueKey;
}

function method(target, name, value) {
  Object.defineProperty(target, name, { value, writable: false, enumerable: false, configurable: false });
}

method(
  SigningKey,
  'generate',
  fn(
    function generate(alg) {
      const name = string(alg, 'alg');
      // Any name but "EdDSA", "ES256" and "SM2" is UNSUPPORTED_ALGORITHM
      // (so is "SM2" in a module without the gm suite), which
      // quotes it: keep a huge string out of the message.
      return wrap(GlueSigningKey.generate(name.length > 64 ? name.slice(0, 64) + '…' : name));
    },
    { random: true },
  ),
);

method(
  SigningKey,
  'fromJwk',
  fn(function fromJwk(privateJwk) {
    return wrap(GlueSigningKey.fromJwk(jsonText(privateJwk, 'privateJwk')));
  }),
);

Object.defineProperty(SigningKey.prototype, 'alg', {
  get: fn(function alg() {
    return signingKeyHandle(this, 'this').alg;
  }),
  enumerable: false,
  configurable: false,
});

method(
  SigningKey.prototype,
  'publicJwk',
  fn(function publicJwk() {
    return JSON.parse(signingKeyHandle(this, 'this').publicJwk());
  }),
);

method(
  SigningKey.prototype,
  'exportPrivateJwkDangerously',
  fn(function exportPrivateJwkDangerously() {
    return JSON.parse(signingKeyHandle(this, 'this').exportPrivateJwkDangerously());
  }),
);

/**
 * Zeroises and releases the key inside the module. Idempotent; afterwards
 * every use of the key is INVALID_INPUT. Never throws for a SigningKey, even
 * before init() or after a trap (then the memory is simply left alone), so
 * it is safe in `finally` blocks and `using` declarations.
 */
function free() {
  const glueKey = typeof this === 'object' && this !== null ? handles.get(this) : undefined;
  if (glueKey === undefined) {
    throw fail('INVALID_INPUT', 'invalid input: free() must be called on a SigningKey, got ' + describe(this));
  }
  if (glueKey === null) return;
  handles.set(this, null);
  if (hasTrapped()) return;
  try {
    glueKey.free();
  } catch (e) {
    throw guardError(e, 'free');
  }
}
method(SigningKey.prototype, 'free', free);
if (typeof Symbol === 'function' && typeof Symbol.dispose === 'symbol') {
  method(SigningKey.prototype, Symbol.dispose, free);
}
if (typeof Symbol === 'function' && typeof Symbol.toStringTag === 'symbol') {
  Object.defineProperty(SigningKey.prototype, Symbol.toStringTag, { value: 'SigningKey', configurable: false });
}

// Bundlers may rename the class (the glue has one of the same name).
Object.defineProperty(SigningKey, 'name', { value: 'SigningKey', configurable: true });

Object.freeze(SigningKey.prototype);
Object.freeze(SigningKey);
