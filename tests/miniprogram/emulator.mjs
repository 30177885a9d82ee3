// An emulated WeChat mini-program runtime for tests (there is no WeChat
// DevTools on Linux, and DevTools itself has TextEncoder and so gives false
// passes). It reproduces what matters to mpshield on real devices:
//
// - a Node `vm` context holding only the ECMAScript built-ins plus what
//   WeChat adds: no WebAssembly, TextEncoder, TextDecoder, crypto, URL,
//   fetch, window, self, performance, process or Buffer; string code
//   generation (eval, new Function) disabled;
// - a CommonJS `require` over a fake code package laid out as DevTools'
//   "Build npm" leaves it: <root>/miniprogram_npm/<name>/index.js;
// - WXWebAssembly.instantiate(path, imports) that accepts only a code-package
//   path ending in .wasm or .wasm.br (never bytes or a Module), brotli-
//   decompresses .br, and instantiates with the outer realm's WebAssembly.
//   Profile "ios" also refuses modules that are not WebAssembly 1.0 or that
//   export a Global (iOS WeChat: "CompileError: invalid wasm file");
//   profile "android" accepts both;
// - with `host: 'douyin'`, the same under Douyin's names (`tt`,
//   `TTWebAssembly`), and no `wx` / `WXWebAssembly`;
// - a `wx` stub: asynchronous getRandomValues({ length }) capped at
//   1,048,576 bytes answering { randomValues: ArrayBuffer } by callback or,
//   without callbacks, by Promise; get/set/removeStorage(Sync) enforcing
//   1 MB per key and 10 MB in total; wx.createWorker(path) starting a real
//   thread (worker-host.mjs) with a Worker's globals, under WeChat's rules
//   for the app.json "workers" folder (see "wx.createWorker" below).
// Objects handed to code in the sandbox are created with the sandbox's own
// constructors (cross-realm objects fail wasm-bindgen's and our checks).
//
// A third profile runs on JavaScriptCore itself rather than in Node's vm:
// tests/miniprogram/jsc/ (host.js is this file's WeChat host for the `jsc`
// shell, profile.mjs starts it; `make test-jsc`, scripts/bench-jsc.mjs).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { Worker as NodeWorker } from 'node:worker_threads';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { exportedGlobals, validateMvp } from '../js/helpers/wasm.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const mpDist = path.join(repoRoot, 'pkg/dist/miniprogram');

/** Web globals real devices lack, which the sandbox must not have either. */
export const MISSING_GLOBALS = [
  'WebAssembly',
  'TextEncoder',
  'TextDecoder',
  'crypto',
  'URL',
  'fetch',
  'Blob',
  'Response',
  'Request',
  'window',
  'self',
  'performance',
  'process',
  'Buffer',
  'global',
];

/** Built-ins WeChat is documented to have, which the sandbox must keep. */
export const PRESENT_GLOBALS = ['globalThis', 'BigInt', 'WeakRef', 'FinalizationRegistry', 'Proxy', 'Promise', 'Uint8Array'];

export const RANDOM_VALUES_MAX = 1_048_576;
export const STORAGE_KEY_MAX = 1024 * 1024;
export const STORAGE_TOTAL_MAX = 10 * 1024 * 1024;

/**
 * A fresh fake code package. `npmDirs`: where "Build npm" output goes
 * ("" = the mini-program root, "subpkg" = a sub-package with its own
 * package.json). Each gets miniprogram_npm/mpshield/ = pkg/dist/miniprogram.
 */
export function makePackageRoot(npmDirs = ['']) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mp-root-'));
  for (const d of npmDirs) {
    const target = path.join(root, d, 'miniprogram_npm', 'mpshield');
    mkdirSync(target, { recursive: true });
    cpSync(mpDist, target, { recursive: true });
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Creates the sandbox.
 * @param {object} o
 * @param {'ios'|'android'} o.profile
 * @param {string} o.root the fake code package
 * @param {'callback'|'promise'|'absent'|'fail'|'zeros'|'short'} [o.randomValues]
 *   how wx.getRandomValues behaves: "callback" (the real API: callbacks, or a
 *   Promise when called without), "promise" (ignores callbacks, only a
 *   Promise), "absent" (plug-ins, base library < 2.15.0), "fail", "zeros",
 *   "short" (fewer bytes than asked)
 * @param {boolean} [o.wxWebAssembly=true] whether WXWebAssembly exists
 * @param {'wechat'|'douyin'} [o.host='wechat'] which platform's names the
 *   runtime uses: WeChat's `wx` and `WXWebAssembly`, or Douyin's `tt` and
 *   `TTWebAssembly` (the same calls; `.wasm.br` from base library 2.92.0.0)
 */
export function createMiniProgram({ profile, root, randomValues = 'callback', wxWebAssembly = true, host = 'wechat' }) {
  if (host !== 'wechat' && host !== 'douyin') throw new Error(`unknown host ${host}`);
  if (profile !== 'ios' && profile !== 'android') throw new Error(`unknown profile ${profile}`);
  const context = vm.createContext(
    {},
    { name: `wechat-${profile}`, codeGeneration: { strings: false, wasm: true } },
  );
  vm.runInContext('delete globalThis.WebAssembly;', context);
  const I = vm.runInContext(
    '({ Object, Array, ArrayBuffer, Uint8Array, Promise, Error, TypeError, JSON, String })',
    context,
  );

  const log = { warnings: [], instantiate: [], getRandomValues: [], storage: [] };
  const errObj = (errMsg) => {
    const o = new I.Object();
    o.errMsg = errMsg;
    return o;
  };

  // --- console and timers -------------------------------------------------------------
  const konsole = new I.Object();
  konsole.log = (...a) => (process.env.MP_DEBUG ? console.log('[mp]', ...a) : undefined);
  konsole.info = konsole.log;
  konsole.debug = konsole.log;
  konsole.warn = (...a) => log.warnings.push(a.map(String).join(' '));
  konsole.error = konsole.warn;

  // --- WXWebAssembly ------------------------------------------------------------------
  const WXWebAssembly = makeWXWebAssembly({ I, root, profile, log });

  // --- wx -----------------------------------------------------------------------------------
  const wx = new I.Object();
  /** Answers a wx async API: callbacks if any were given, else a Promise. */
  const answer = (opts, produce) => {
    const hasCallbacks = opts && (opts.success || opts.fail || opts.complete);
    const settle = (resolve, reject) => {
      setTimeout(() => {
        let out;
        try {
          out = { ok: true, value: produce() };
        } catch (e) {
          out = { ok: false, value: errObj(e.message) };
        }
        if (hasCallbacks) {
          if (out.ok && opts.success) opts.success(out.value);
          if (!out.ok && opts.fail) opts.fail(out.value);
          if (opts.complete) opts.complete(out.value);
        } else if (out.ok) resolve(out.value);
        else reject(out.value);
      }, 1);
    };
    if (hasCallbacks) {
      settle();
      return undefined;
    }
    return new I.Promise(settle);
  };

  if (randomValues !== 'absent') {
    wx.getRandomValues = (opts) => {
      const length = opts && opts.length;
      log.getRandomValues.push(length);
      const produce = () => {
        if (randomValues === 'fail') throw new Error('getRandomValues:fail system error');
        if (!Number.isInteger(length) || length < 1 || length > RANDOM_VALUES_MAX) {
          throw new Error(`getRandomValues:fail invalid length ${length} (1..${RANDOM_VALUES_MAX})`);
        }
        const n = randomValues === 'short' ? length - 1 : length;
        const buf = new I.ArrayBuffer(n);
        if (randomValues !== 'zeros') new I.Uint8Array(buf).set(randomBytes(n));
        const res = new I.Object();
        res.randomValues = buf;
        res.errMsg = 'getRandomValues:ok';
        return res;
      };
      if (randomValues === 'promise') return answer(undefined, produce);
      return answer(opts, produce);
    };
  }

  // Storage: values are kept as JSON text; sizes are UTF-8 bytes of key + JSON.
  const store = new Map();
  const sizeOf = (key, json) => Buffer.byteLength(key) + Buffer.byteLength(json);
  const used = () => [...store].reduce((n, [k, v]) => n + sizeOf(k, v), 0);
  const setItem = (key, data) => {
    if (typeof key !== 'string' || key.length === 0) throw new Error('setStorage:fail parameter error: key should be a non-empty String');
    if (data === undefined) throw new Error('setStorage:fail parameter error: data is required');
    if (ArrayBuffer.isView(data) || Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
      throw new Error('setStorage:fail data must be JSON-serialisable (encode bytes, e.g. base64)');
    }
    const json = JSON.stringify(data);
    if (sizeOf(key, json) > STORAGE_KEY_MAX) throw new Error('setStorage:fail exceed storage item max length (1MB)');
    const old = store.has(key) ? sizeOf(key, store.get(key)) : 0;
    if (used() - old + sizeOf(key, json) > STORAGE_TOTAL_MAX) throw new Error('setStorage:fail exceed storage max size 10MB');
    store.set(key, json);
    log.storage.push(['set', key]);
  };
  const getItem = (key) => (store.has(key) ? I.JSON.parse(store.get(key)) : undefined);
  const inRealm = (f) => (...args) => {
    try {
      return f(...args);
    } catch (e) {
      throw new I.Error(e.message);
    }
  };
  wx.setStorageSync = inRealm(setItem);
  wx.getStorageSync = inRealm((key) => {
    const v = getItem(key);
    return v === undefined ? '' : v;
  });
  wx.removeStorageSync = inRealm((key) => {
    store.delete(key);
  });
  wx.getStorageInfoSync = () => {
    const info = new I.Object();
    info.keys = I.Array.from([...store.keys()]);
    info.currentSize = Math.ceil(used() / 1024);
    info.limitSize = STORAGE_TOTAL_MAX / 1024;
    return info;
  };
  wx.setStorage = (opts) =>
    answer(opts, () => {
      setItem(opts && opts.key, opts && opts.data);
      return errObj('setStorage:ok');
    });
  wx.getStorage = (opts) =>
    answer(opts, () => {
      const v = getItem(opts && opts.key);
      if (v === undefined) throw new Error('getStorage:fail data not found');
      const res = errObj('getStorage:ok');
      res.data = v;
      return res;
    });
  wx.removeStorage = (opts) =>
    answer(opts, () => {
      store.delete(opts && opts.key);
      return errObj('removeStorage:ok');
    });

  // --- wx.createWorker ------------------------------------------------------------------
  // A real thread (worker_threads, tests/miniprogram/worker-host.mjs) with
  // a WeChat Worker's globals. WeChat's rules, enforced: the script must lie
  // inside the folder app.json's "workers" names (string or { path }), given
  // as a path from the package root; one Worker at a time; messages are
  // copied as JSON (typed arrays do not survive; WeChat documents only
  // "serialisable key-value objects"). Undocumented, so the pessimistic
  // choice: a script that does not exist, or that throws, leaves the page
  // without any message (the thread ends; log.workers records why).
  // `killWorker()` ends the running Worker as iOS does under memory
  // pressure and calls its onProcessKilled listeners.
  const workers = { active: null };
  log.workers = [];
  wx.createWorker = (scriptPath) => {
    const appJson = path.join(root, 'app.json');
    const config = existsSync(appJson) ? JSON.parse(readFileSync(appJson, 'utf8')).workers : undefined;
    const dir = typeof config === 'string' ? config : config && config.path;
    if (typeof dir !== 'string' || dir === '') throw new I.Error('createWorker:fail app.json names no "workers" folder');
    const script = String(scriptPath).replace(/^\//, '');
    const folder = dir.replace(/^\/|\/$/g, '');
    if (!script.startsWith(folder + '/') || script.split('/').includes('..')) {
      throw new I.Error(`createWorker:fail ${scriptPath} is not inside the workers folder "${folder}" (app.json)`);
    }
    if (workers.active) throw new I.Error('createWorker:fail exceed max concurrent workers limit (1): terminate the current Worker first');
    const thread = new NodeWorker(new URL('./worker-host.mjs', import.meta.url), {
      workerData: { root, folder, script, profile },
    });
    const entry = { script, thread, listeners: [], killed: [], ended: false };
    workers.active = entry;
    log.workers.push({ event: 'created', script, at: Date.now() });
    const finish = (event, detail) => {
      if (entry.ended) return;
      entry.ended = true;
      if (workers.active === entry) workers.active = null;
      log.workers.push({ event, script, detail, at: Date.now() });
    };
    thread.on('message', (m) => {
      if (m.type === 'log') {
        log.workers.push({ event: m.event, script, detail: m.detail, at: Date.now() });
        return;
      }
      if (entry.ended) return;
      const msg = I.JSON.parse(m.json);
      for (const f of entry.listeners) f(msg);
    });
    thread.on('error', (e) => finish('crashed', e && e.message));
    thread.on('exit', (code) => finish('exited', code));
    const w = new I.Object();
    w.postMessage = (msg) => {
      if (entry.ended) return;
      thread.postMessage(JSON.stringify(msg));
    };
    w.onMessage = (f) => {
      entry.listeners.push(f);
    };
    w.onProcessKilled = (f) => {
      entry.killed.push(f);
    };
    w.terminate = () => {
      finish('terminated');
      thread.terminate();
    };
    entry.kill = () => {
      finish('killed');
      thread.terminate();
      for (const f of entry.killed) f();
    };
    return w;
  };

  // --- globals ----------------------------------------------------------------------------
  const g = context;
  g.console = konsole;
  g.setTimeout = setTimeout;
  g.clearTimeout = clearTimeout;
  g.setInterval = setInterval;
  g.clearInterval = clearInterval;
  if (host === 'douyin') {
    g.tt = wx;
    if (wxWebAssembly) g.TTWebAssembly = WXWebAssembly;
  } else {
    g.wx = wx;
    if (wxWebAssembly) g.WXWebAssembly = WXWebAssembly;
  }

  // --- CommonJS over the code package -----------------------------------------------
  const cache = new Map();
  const resolveFile = (from, request) => {
    let file;
    if (request.startsWith('/')) file = path.join(root, request);
    else if (request.startsWith('./') || request.startsWith('../')) file = path.join(from, request);
    else file = path.join(root, 'miniprogram_npm', request);
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.js');
    else if (!file.endsWith('.js')) file += '.js';
    if (!file.startsWith(root + path.sep) || !existsSync(file)) {
      throw new I.Error(`module "${request}" is not defined (looked for ${path.relative(root, file)})`);
    }
    return file;
  };
  const load = (file) => {
    if (cache.has(file)) return cache.get(file).exports;
    const module = vm.runInContext('({ exports: {} })', context);
    cache.set(file, module);
    const wrapper = vm.runInContext(
      `(function (module, exports, require) {"use strict";\n${readFileSync(file, 'utf8')}\n})`,
      context,
      { filename: file },
    );
    wrapper.call(module.exports, module, module.exports, makeRequire(path.dirname(file)));
    return module.exports;
  };
  const makeRequire = (dir) => (request) => load(resolveFile(dir, String(request)));
  // Test scripts run like page code at the package root, where `require` is in scope.
  g.require = makeRequire(root);

  return {
    profile,
    context,
    log,
    wx,
    store,
    /** The Worker wx.createWorker started and nobody ended, or null. */
    activeWorker: () => (workers.active ? workers.active.script : null),
    /** Ends the running Worker as iOS does under memory pressure (onProcessKilled). */
    killWorker: () => workers.active && workers.active.kill(),
    /** require() as a page at the code package's root would. */
    require: makeRequire(root),
    /** Runs source in the sandbox (a script; may evaluate to a Promise). */
    run: (source, filename = 'test.js') => vm.runInContext(source, context, { filename }),
  };
}

/**
 * WeChat's WXWebAssembly over the code package at `root`, its objects made
 * with the realm constructors `I`: instantiate(path, imports) accepts only
 * a code-package path to a .wasm or .wasm.br (brotli-decompressed here);
 * profile "ios" refuses modules that are not WebAssembly 1.0 or that export
 * a Global. `hidden(file)`: files the host does not have (a Worker's
 * WXWebAssembly does not see files inside the workers folder, where WeChat
 * packs only .js files).
 */
export function makeWXWebAssembly({ I, root, profile, log, hidden = () => false }) {
  const WXWebAssembly = new I.Object();
  WXWebAssembly.instantiate = (p, imports) =>
    new I.Promise((resolve, reject) => {
      log.instantiate.push(typeof p === 'string' ? p : Object.prototype.toString.call(p));
      if (typeof p !== 'string') {
        reject(new I.TypeError('WXWebAssembly.instantiate: the first argument must be a code-package path string'));
        return;
      }
      if (!/^\/.*\.wasm(\.br)?$/.test(p)) {
        reject(new I.Error(`WXWebAssembly.instantiate: not a code-package path to a .wasm or .wasm.br file: ${p}`));
        return;
      }
      const file = path.join(root, p);
      if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile() || hidden(file)) {
        reject(new I.Error(`WXWebAssembly.instantiate: file not found in the code package: ${p}`));
        return;
      }
      let bytes = readFileSync(file);
      if (p.endsWith('.br')) {
        try {
          bytes = zlib.brotliDecompressSync(bytes);
        } catch (e) {
          // What WeChat says of a broken .br is not documented; a compile error is the nearest.
          reject(new I.Error(`CompileError: invalid wasm file (not brotli: ${e.message})`));
          return;
        }
      }
      if (profile === 'ios') {
        const mvp = validateMvp(bytes);
        if (!mvp.ok) {
          reject(new I.Error(`CompileError: invalid wasm file (not WebAssembly 1.0): ${mvp.output.split('\n')[0]}`));
          return;
        }
        let globals;
        try {
          globals = exportedGlobals(bytes);
        } catch (e) {
          reject(new I.Error(`CompileError: invalid wasm file: ${e.message}`));
          return;
        }
        if (globals.length > 0) {
          reject(new I.Error(`CompileError: invalid wasm file (iOS cannot export Globals: ${globals.join(', ')})`));
          return;
        }
      }
      WebAssembly.instantiate(bytes, imports).then(
        ({ instance, module }) => {
          const result = new I.Object();
          result.instance = instance;
          result.module = module;
          resolve(result);
        },
        (e) => reject(new I.Error(`${e.name}: ${e.message}`)),
      );
    });
  return WXWebAssembly;
}

let smokeScript = null;
/**
 * Compiles tests/js/smoke.mjs into a plain script defining
 * `__mpshieldSmoke.runSmoke` and runs it in the sandbox, so that the suite's
 * objects are created there. ES2017 like the package.
 */
export function installSmoke(mp) {
  if (!smokeScript) {
    smokeScript = esbuild.buildSync({
      entryPoints: [path.join(repoRoot, 'tests/js/smoke.mjs')],
      bundle: true,
      format: 'iife',
      globalName: '__mpshieldSmoke',
      target: 'es2017',
      write: false,
    }).outputFiles[0].text;
  }
  mp.run(smokeScript, 'smoke.js');
}
