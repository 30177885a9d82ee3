// The main-thread end of deriveStorageKey's mini-program Worker:
// dist/miniprogram-worker/client.js, `require('mpshield/kdf-worker')` for
// bundlers (README, "Long calls on iPhones"). In its own file, not in the
// mini-program bundle: only mini-programs that opt in download it.
//
//   const kdfWorker = require('./mpshield-kdf/client.js');   // or 'mpshield/kdf-worker'
//   await mpshield.init({ kdfWorker: kdfWorker('workers/mpshield-kdf/index.js') });
//
// kdfWorker(script, { wasmPath, timeoutMs }) returns the function init()
// takes: called by deriveStorageKey with its checked and copied arguments
// `{ pin, salt, memoryKib, iterations, parallelism }` (pin as UTF-8 bytes),
// it runs the derivation in `wx.createWorker(script)` — the Worker of
// pkg/src/kdf-worker.js, which documents the messages — and resolves to the
// 32-byte key.
// - Calls run one at a time (WeChat allows one Worker at a time), each in a
//   Worker of its own that is ended (terminate()) after its answer: Argon2's
//   memory (12 MiB by default, plus the 35 KB module) goes with it, and the
//   app's own Workers are free between calls.
// - The PIN bytes are zeroed once posted (the copies here; WeChat's copy in
//   transit is not ours to reach, the Worker zeroes the one it receives).
// - Failures reject with errors mpshield turns into MpShieldError: the
//   Worker's own (INVALID_INPUT for parameters its module refuses);
//   WASM_LOAD_FAILED if wx.createWorker throws, the Worker cannot load its
//   module or does not say it started within `timeoutMs` (default 10 s: a
//   missing or misplaced file, an app.json without "workers"); INVALID_STATE
//   if it stops answering after it started — ended by the system
//   (onProcessKilled) or crashed — once `timeoutMs` plus a quarter of a
//   millisecond per KiB and pass have gone by (about five times an
//   iPhone's time for Argon2: 19 s with the defaults). Never a hang.
//
// Plain CommonJS, ES2017: it runs on the mini-program's logic thread as is.
'use strict';

const DEFAULT_TIMEOUT_MS = 10000;
const MAX_TIMEOUT_MS = 600000;
const FIX =
  'Copy node_modules/mpshield/dist/miniprogram-worker/index.js into the folder app.json\'s "workers" names and pass that path to kdfWorker(), and mpshield_kdf.wasm.br outside that folder (README, "Long calls on iPhones")';

/** An error mpshield's boundary turns into MpShieldError(code, message). */
function err(code, message) {
  const e = new Error(message);
  e.name = 'MpShieldError';
  e.code = code;
  return e;
}

function invalid(name, expected) {
  return err('INVALID_INPUT', 'invalid input: ' + name + ' must be ' + expected);
}

function textOf(e) {
  return String((e && (e.message || e.errMsg)) || e);
}

/**
 * The function for `init({ kdfWorker })`: deriveStorageKey in
 * `wx.createWorker(script)`. `options` (own properties only):
 * `wasmPath` (default: the Worker's, /mpshield-kdf/mpshield_kdf.wasm.br),
 * `timeoutMs` (1…600000, default 10000).
 */
function kdfWorker(script, options) {
  if (typeof script !== 'string' || !/\.js$/.test(script)) {
    throw invalid('kdfWorker(script)', 'the path of the Worker script, e.g. "workers/mpshield-kdf/index.js"');
  }
  const o = options === undefined || options === null ? {} : options;
  if (typeof o !== 'object') throw invalid('kdfWorker options', 'an object');
  Object.keys(o).forEach(function (k) {
    if (k !== 'wasmPath' && k !== 'timeoutMs') throw err('INVALID_INPUT', 'invalid input: unknown option ' + JSON.stringify(k) + ' in kdfWorker options (known: wasmPath, timeoutMs)');
  });
  const own = function (k) {
    return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
  };
  const wasmPath = own('wasmPath');
  if (wasmPath !== undefined && (typeof wasmPath !== 'string' || !/^\/.*\.wasm(\.br)?$/.test(wasmPath))) {
    throw invalid('options.wasmPath', 'a code-package path ending in .wasm or .wasm.br, e.g. "/mpshield-kdf/mpshield_kdf.wasm.br"');
  }
  const t = own('timeoutMs');
  const timeoutMs = t === undefined ? DEFAULT_TIMEOUT_MS : t;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalid('options.timeoutMs', 'an integer from 1 to ' + MAX_TIMEOUT_MS);
  }
  let queue = Promise.resolve();
  let ids = 0;
  return function deriveInWorker(args) {
    const id = ++ids;
    const run = queue.then(function () {
      return once(script, wasmPath, timeoutMs, id, args);
    });
    queue = run.then(noop, noop);
    return run;
  };
}

function noop() {}

function once(script, wasmPath, timeoutMs, id, args) {
  const pin = args.pin;
  return new Promise(function (resolve, reject) {
    let w = null;
    let timer = null;
    let started = false;
    let done = false;
    const end = function (e, key) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      pin.fill(0);
      if (w) {
        try {
          w.terminate();
        } catch (x) {
          // already gone
        }
      }
      if (e) reject(e);
      else resolve(key);
    };
    const arm = function (ms) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        end(
          started
            ? err('INVALID_STATE', 'the KDF Worker stopped answering (ended by the system, or it crashed): nothing was derived; try again')
            : err('WASM_LOAD_FAILED', 'could not load the WebAssembly module through the KDF Worker ' + script + ': it did not start within ' + ms + ' ms. ' + FIX),
        );
      }, ms);
    };
    try {
      if (typeof wx === 'undefined' || typeof wx.createWorker !== 'function') throw new Error('this host has no wx.createWorker');
      w = wx.createWorker(script);
      w.onMessage(function (r) {
        if (!r || r.mpshield !== 'kdf' || r.id !== id) return;
        if (r.started) {
          started = true;
          const m = args.memoryKib || 12288;
          const t = args.iterations || 3;
          arm(timeoutMs + Math.ceil((m * t) / 4));
          return;
        }
        const key = r.key;
        if (Array.isArray(key) && key.length === 32) {
          end(null, Uint8Array.from(key));
        } else if (typeof r.code === 'string') {
          end(err(r.code, String(r.message)));
        } else {
          end(err('INTERNAL', 'internal error: the KDF Worker answered with neither a key nor an error — is ' + script + ' the Worker of this mpshield release?'));
        }
      });
      if (typeof w.onProcessKilled === 'function') {
        w.onProcessKilled(function () {
          end(err('INVALID_STATE', 'the system ended the KDF Worker (memory is short): nothing was derived; try again'));
        });
      }
      arm(timeoutMs);
      const msg = {
        mpshield: 'kdf',
        id: id,
        wasmPath: wasmPath,
        pin: Array.prototype.slice.call(pin),
        salt: Array.prototype.slice.call(args.salt),
        m: args.memoryKib,
        t: args.iterations,
        p: args.parallelism,
      };
      pin.fill(0);
      try {
        w.postMessage(msg);
      } finally {
        msg.pin.fill(0);
      }
    } catch (e) {
      end(err('WASM_LOAD_FAILED', 'could not load the WebAssembly module through the KDF Worker ' + script + ': starting it failed (' + textOf(e) + '). ' + FIX));
    }
  });
}

module.exports = kdfWorker;
module.exports.kdfWorker = kdfWorker;
module.exports.default = kdfWorker;
