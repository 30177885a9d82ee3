// Handle objects that are not exported classes (HPKE contexts, streams): the
// JavaScript object holds nothing but its identity; the wasm-bindgen object
// behind it lives in a WeakMap. Every method and getter goes through the
// runtime guard (NOT_INITIALIZED, error conversion, no calls after a trap);
// using a handle after free() is INVALID_INPUT; free() is idempotent and
// never throws for a handle of its kind (safe in `finally` and `using`).
// SigningKey (keys.js) follows the same rules as an exported class.

import { fail } from './errors.js';
import { describe } from './args.js';
import { fn, guardError, hasTrapped } from './runtime.js';

/**
 * Defines a handle kind `name` with `getters` and `methods`, each
 * `(glueObject, ...args) => result`. Returns `{ wrap(glueObject) }`.
 */
export function defineHandle(name, spec) {
  const handles = new WeakMap();
  const proto = {};

  function glue(self) {
    const g = (typeof self === 'object' || typeof self === 'function') && self !== null ? handles.get(self) : undefined;
    if (g === undefined) {
      throw fail('INVALID_INPUT', 'invalid input: this method must be called on a ' + name + ', got ' + describe(self));
    }
    if (g === null) {
      throw fail('INVALID_INPUT', 'invalid input: this ' + name + ' has been freed (free()); it can no longer be used');
    }
    return g;
  }

  const getters = spec.getters || {};
  Object.keys(getters).forEach((key) => {
    const impl = getters[key];
    Object.defineProperty(proto, key, {
      get: fn(function get() {
        return impl(glue(this));
      }),
      enumerable: true,
      configurable: false,
    });
  });
  const methods = spec.methods || {};
  Object.keys(methods).forEach((key) => {
    const impl = methods[key];
    const method = fn(function () {
      const args = [glue(this)];
      for (let i = 0; i < arguments.length; i++) args.push(arguments[i]);
      return impl.apply(undefined, args);
    });
    Object.defineProperty(method, 'name', { value: key, configurable: true });
    Object.defineProperty(proto, key, { value: method, enumerable: false, writable: false, configurable: false });
  });

  function free() {
    const g = (typeof this === 'object' || typeof this === 'function') && this !== null ? handles.get(this) : undefined;
    if (g === undefined) {
      throw fail('INVALID_INPUT', 'invalid input: free() must be called on a ' + name + ', got ' + describe(this));
    }
    if (g === null) return;
    handles.set(this, null);
    if (hasTrapped()) return;
    try {
      g.free();
    } catch (e) {
      throw guardError(e, 'free');
    }
  }
  Object.defineProperty(proto, 'free', { value: free, enumerable: false, writable: false, configurable: false });
  if (typeof Symbol === 'function' && typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(proto, Symbol.dispose, { value: free, enumerable: false, writable: false, configurable: false });
  }
  if (typeof Symbol === 'function' && typeof Symbol.toStringTag === 'symbol') {
    Object.defineProperty(proto, Symbol.toStringTag, { value: name, configurable: false });
  }
  Object.freeze(proto);

  return {
    wrap(glueObject) {
      const h = Object.create(proto);
      handles.set(h, glueObject);
      return h;
    },
  };
}
