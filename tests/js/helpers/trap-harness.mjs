// A controllable stand-in for a dying WebAssembly instance. `instrumentWasm()`
// replaces WebAssembly.Instance with a subclass whose `exports` are the real
// module's, each wrapped: `ctl.throwOn(pattern, error)` makes the next call
// of an export whose name matches the RegExp `pattern` throw `error` (a WebAssembly.RuntimeError, the
// RangeError of a stack overflow, wasm-bindgen's aliasing error — what JS
// sees when the module traps in the middle of a call), and `ctl.deadFree =
// true` makes every `__wbg_*_free` export throw a RuntimeError, as free()
// into a corrupted instance may. `ctl.calls` counts calls per export.
//
// Load a fresh copy of the package after instrumenting (`freshPackage()`:
// the Node ESM bundle under a new URL, so each case gets its own glue and
// instance), and undo with `restore()`.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pkgDir } from './link.mjs';

export function instrumentWasm() {
  const Original = WebAssembly.Instance;
  const ctl = {
    pending: [],
    calls: new Map(),
    deadFree: false,
    freeCallsWhileDead: 0,
    throwOn(pattern, error) {
      this.pending.push({ pattern, error });
    },
    count(pattern) {
      let n = 0;
      this.calls.forEach((c, name) => {
        if (pattern.test(name)) n += c;
      });
      return n;
    },
  };
  class Instrumented extends Original {
    constructor(module, imports) {
      super(module, imports);
      const real = super.exports;
      const wrapped = {};
      for (const name of Object.keys(real)) {
        const f = real[name];
        if (typeof f !== 'function') {
          wrapped[name] = f;
          continue;
        }
        wrapped[name] = function (...args) {
          ctl.calls.set(name, (ctl.calls.get(name) || 0) + 1);
          if (/^__wbg_.*_free$/.test(name) && ctl.deadFree) {
            ctl.freeCallsWhileDead++;
            throw new WebAssembly.RuntimeError('memory access out of bounds (simulated: free() into a dead instance)');
          }
          const i = ctl.pending.findIndex((p) => p.pattern.test(name));
          if (i >= 0) {
            const { error } = ctl.pending[i];
            ctl.pending.splice(i, 1);
            throw error;
          }
          return f.apply(this, args);
        };
      }
      Object.defineProperty(this, 'exports', { value: Object.freeze(wrapped), enumerable: true });
    }
  }
  WebAssembly.Instance = Instrumented;
  return {
    ctl,
    restore() {
      WebAssembly.Instance = Original;
    },
  };
}

let generation = 0;

/** A fresh, not yet initialised copy of the Node ESM bundle (its own instance once init() runs). */
export async function freshPackage() {
  generation++;
  return import(pathToFileURL(path.join(pkgDir, 'dist/node.mjs')).href + '?instance=' + generation);
}

