// The emulated WeChat mini-program runtime on JavaScriptCore itself (the
// `jsc` shell of Debian's libjavascriptcoregtk-4.0-bin): the third profile
// of tests/miniprogram/, beside emulator.mjs's Node `vm` profiles "ios" and
// "android". Run with `jsc --useJIT=false`, it is the engine iOS WeChat runs
// mini-programs in: JavaScript in LLInt, WebAssembly in IPInt, no JIT.
//
// Plain ES2017 script, the first file jsc runs after the configuration
// (`var __mpHost = {...}`, written by profile.mjs). It turns the shell's
// global object into what WeChat gives a mini-program:
//
// - no WebAssembly (kept here, for WXWebAssembly only), no global eval,
//   and none of the shell's own functions (print, readFile, load, ...:
//   kept here too). `Function` stays (JavaScriptCore cannot turn string
//   compilation off); tests/miniprogram/syntax.test.mjs checks statically
//   that the bundle never compiles strings;
// - WXWebAssembly.instantiate(path, imports) that accepts only a
//   code-package path to a .wasm or .wasm.br file. jsc cannot decompress
//   brotli, so profile.mjs decompressed each .wasm.br beforehand, as WeChat
//   does, and names the copy in __mpHost.decompressed; like the iOS
//   profile, a module exporting a Global is refused (WebAssembly 1.0 was
//   checked with wabt by profile.mjs before jsc started);
// - a `wx` with an asynchronous getRandomValues({ length }) capped at
//   1,048,576 bytes answering { randomValues: ArrayBuffer }, by callback or
//   Promise (host entropy: bytes from Node's crypto.randomBytes in a file,
//   each served once; running out is an error, never a repeat), and
//   get/set/removeStorage(Sync) with WeChat's 1 MB per key, 10 MB in all;
// - console (warnings and errors are recorded); setTimeout, setInterval and
//   their clear functions over the shell's setTimeout (a cleared timer
//   still keeps jsc's run loop alive until it would have fired);
// - CommonJS `require` over the fake code package, as emulator.mjs does.
//
// What runs after it reaches the host through `__mpTest` (reporting, the
// server realm), which WeChat does not have and the package never reads.
(function (global) {
  'use strict';
  var cfg = global.__mpHost;
  delete global.__mpHost;
  var shell = {
    print: global.print,
    readFile: global.readFile,
    load: global.load,
    preciseTime: global.preciseTime,
    quit: global.quit,
    $262: global.$262,
  };
  var WA = global.WebAssembly;
  var RANDOM_VALUES_MAX = 1048576;
  var STORAGE_KEY_MAX = 1024 * 1024;
  var STORAGE_TOTAL_MAX = 10 * 1024 * 1024;
  [
    'WebAssembly', 'print', 'printErr', 'debug', 'readFile', 'read', 'load', 'loadString', 'run', 'runString',
    'checkSyntax', 'readline', 'preciseTime', 'quit', 'gc', 'fullGC', 'edenGC', 'describe', 'describeArray',
    'sleepSeconds', 'jscStack', 'callerSourceOrigin', 'createGlobalObject', '$', '$262', 'arguments', 'scriptArgs',
    'writeFile', 'open', 'setTimeout', 'eval',
  ].forEach(function (n) {
    if (n !== 'setTimeout' && !Reflect.deleteProperty(global, n)) throw new Error('host.js: cannot remove the shell global ' + n);
  });
  // And every web global real devices lack (emulator.mjs's MISSING_GLOBALS:
  // the shell has `performance`, for one).
  cfg.missingGlobals.forEach(function (n) {
    if (!Reflect.deleteProperty(global, n)) throw new Error('host.js: cannot remove the global ' + n);
  });

  // --- timers: the shell has setTimeout only; WeChat has the four --------------------------
  var shellSetTimeout = global.setTimeout;
  var timers = {};
  var nextTimer = 1;
  var arm = function (id, fn, ms, args, repeat) {
    shellSetTimeout(function () {
      if (!timers[id]) return;
      if (repeat) arm(id, fn, ms, args, true);
      else delete timers[id];
      fn.apply(undefined, args);
    }, ms);
  };
  var start = function (repeat) {
    return function (fn, ms) {
      var id = nextTimer++;
      timers[id] = true;
      arm(id, fn, Math.max(0, Number(ms) || 0), [].slice.call(arguments, 2), repeat);
      return id;
    };
  };
  var stop = function (id) {
    delete timers[id];
  };
  global.setTimeout = start(false);
  global.setInterval = start(true);
  global.clearTimeout = stop;
  global.clearInterval = stop;

  var log = { warnings: [], instantiate: [], getRandomValues: [], storage: [] };
  var out = function (obj) {
    shell.print('@@mp ' + JSON.stringify(obj));
  };

  // --- console ---------------------------------------------------------------------------
  var show = function (a) {
    return a.map(function (x) {
      return x instanceof Error ? String(x) + (x.stack ? '\n' + x.stack : '') : typeof x === 'string' ? x : String(x);
    }).join(' ');
  };
  global.console = {
    log: function () {
      if (cfg.debug) shell.print('[mp] ' + show([].slice.call(arguments)));
    },
    warn: function () {
      log.warnings.push(show([].slice.call(arguments)));
    },
  };
  global.console.info = global.console.debug = global.console.log;
  global.console.error = global.console.warn;

  // --- WXWebAssembly -----------------------------------------------------------------------
  var WXWebAssembly = {
    instantiate: function (p, imports) {
      return new Promise(function (resolve, reject) {
        log.instantiate.push(typeof p === 'string' ? p : Object.prototype.toString.call(p));
        if (typeof p !== 'string') {
          reject(new TypeError('WXWebAssembly.instantiate: the first argument must be a code-package path string'));
          return;
        }
        if (!/^\/.*\.wasm(\.br)?$/.test(p) || p.indexOf('/../') >= 0) {
          reject(new Error('WXWebAssembly.instantiate: not a code-package path to a .wasm or .wasm.br file: ' + p));
          return;
        }
        var file = p.slice(-3) === '.br' ? cfg.decompressed[p] : cfg.packageRoot + p;
        var bytes;
        try {
          bytes = file && shell.readFile(file, 'binary');
        } catch (e) {
          bytes = undefined;
        }
        if (!bytes) {
          reject(new Error('WXWebAssembly.instantiate: file not found in the code package: ' + p));
          return;
        }
        WA.compile(bytes).then(function (module) {
          var globals = WA.Module.exports(module).filter(function (e) {
            return e.kind === 'global';
          });
          if (globals.length) {
            throw new Error('CompileError: invalid wasm file (iOS cannot export Globals: ' + globals.map(function (e) {
              return e.name;
            }).join(', ') + ')');
          }
          return WA.instantiate(module, imports).then(function (instance) {
            resolve({ instance: instance, module: module });
          });
        }).catch(function (e) {
          reject(e && /^CompileError: invalid/.test(e.message) ? e : new Error((e && e.name) + ': ' + (e && e.message)));
        });
      });
    },
  };

  // --- wx ----------------------------------------------------------------------------------
  var entropy = cfg.entropyFile ? shell.readFile(cfg.entropyFile, 'binary') : new Uint8Array(0);
  var entropyUsed = 0;
  var errObj = function (errMsg) {
    return { errMsg: errMsg };
  };
  /** Answers a wx async API a tick later: callbacks if any were given, else a Promise. */
  var answer = function (opts, produce) {
    var hasCallbacks = opts && (opts.success || opts.fail || opts.complete);
    var settle = function (resolve, reject) {
      setTimeout(function () {
        var r;
        try {
          r = { ok: true, value: produce() };
        } catch (e) {
          r = { ok: false, value: errObj(e.message) };
        }
        if (hasCallbacks) {
          if (r.ok && opts.success) opts.success(r.value);
          if (!r.ok && opts.fail) opts.fail(r.value);
          if (opts.complete) opts.complete(r.value);
        } else if (r.ok) resolve(r.value);
        else reject(r.value);
      }, 1);
    };
    if (hasCallbacks) {
      settle();
      return undefined;
    }
    return new Promise(settle);
  };
  var wx = {};
  wx.getRandomValues = function (opts) {
    var length = opts && opts.length;
    log.getRandomValues.push(length);
    return answer(opts, function () {
      if (!Number.isInteger(length) || length < 1 || length > RANDOM_VALUES_MAX) {
        throw new Error('getRandomValues:fail invalid length ' + length + ' (1..' + RANDOM_VALUES_MAX + ')');
      }
      if (entropyUsed + length > entropy.length) {
        throw new Error('getRandomValues:fail the host shim ran out of entropy (' + entropy.length + ' bytes from Node; raise it in profile.mjs)');
      }
      var buf = new ArrayBuffer(length);
      new Uint8Array(buf).set(entropy.subarray(entropyUsed, entropyUsed + length));
      entropy.fill(0, entropyUsed, entropyUsed + length);
      entropyUsed += length;
      return { randomValues: buf, errMsg: 'getRandomValues:ok' };
    });
  };

  // Storage: values kept as JSON text; sizes are UTF-8 bytes of key + JSON.
  var store = new Map();
  var utf8Length = function (s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  };
  var sizeOf = function (k, json) {
    return utf8Length(k) + utf8Length(json);
  };
  var used = function () {
    var n = 0;
    store.forEach(function (v, k) {
      n += sizeOf(k, v);
    });
    return n;
  };
  var setItem = function (key, data) {
    if (typeof key !== 'string' || key.length === 0) throw new Error('setStorage:fail parameter error: key should be a non-empty String');
    if (data === undefined) throw new Error('setStorage:fail parameter error: data is required');
    if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) throw new Error('setStorage:fail data must be JSON-serialisable (encode bytes, e.g. base64)');
    var json = JSON.stringify(data);
    if (sizeOf(key, json) > STORAGE_KEY_MAX) throw new Error('setStorage:fail exceed storage item max length (1MB)');
    var old = store.has(key) ? sizeOf(key, store.get(key)) : 0;
    if (used() - old + sizeOf(key, json) > STORAGE_TOTAL_MAX) throw new Error('setStorage:fail exceed storage max size 10MB');
    store.set(key, json);
    log.storage.push(['set', key]);
  };
  var getItem = function (key) {
    return store.has(key) ? JSON.parse(store.get(key)) : undefined;
  };
  wx.setStorageSync = setItem;
  wx.getStorageSync = function (key) {
    var v = getItem(key);
    return v === undefined ? '' : v;
  };
  wx.removeStorageSync = function (key) {
    store.delete(key);
  };
  wx.getStorageInfoSync = function () {
    return { keys: Array.from(store.keys()), currentSize: Math.ceil(used() / 1024), limitSize: STORAGE_TOTAL_MAX / 1024 };
  };
  wx.setStorage = function (opts) {
    return answer(opts, function () {
      setItem(opts && opts.key, opts && opts.data);
      return errObj('setStorage:ok');
    });
  };
  wx.getStorage = function (opts) {
    return answer(opts, function () {
      var v = getItem(opts && opts.key);
      if (v === undefined) throw new Error('getStorage:fail data not found');
      var res = errObj('getStorage:ok');
      res.data = v;
      return res;
    });
  };
  wx.removeStorage = function (opts) {
    return answer(opts, function () {
      store.delete(opts && opts.key);
      return errObj('removeStorage:ok');
    });
  };
  global.wx = wx;
  global.WXWebAssembly = WXWebAssembly;

  // --- CommonJS over the code package (files read as text, wrapped once) -----------------
  var cache = {};
  var norm = function (p) {
    var parts = [];
    p.split('/').forEach(function (s) {
      if (s === '..') parts.pop();
      else if (s && s !== '.') parts.push(s);
    });
    return '/' + parts.join('/');
  };
  var exists = function (file) {
    try {
      shell.readFile(cfg.packageRoot + file, 'binary');
      return true;
    } catch (e) {
      return false;
    }
  };
  var resolve = function (dir, request) {
    var file;
    if (request.charAt(0) === '/') file = norm(request);
    else if (request.indexOf('./') === 0 || request.indexOf('../') === 0) file = norm(dir + '/' + request);
    else file = norm('/miniprogram_npm/' + request);
    if (!/\.js$/.test(file)) file = exists(file + '/index.js') ? file + '/index.js' : file + '.js';
    if (!exists(file)) throw new Error('module "' + request + '" is not defined (looked for ' + file + ')');
    return file;
  };
  var loadModule = function (file) {
    if (cache[file]) return cache[file].exports;
    var module = { exports: {} };
    cache[file] = module;
    var text = shell.readFile(cfg.packageRoot + file);
    var wrapper = shell.$262.evalScript('(function (module, exports, require) {"use strict";\n' + text + '\n})');
    wrapper.call(module.exports, module, module.exports, makeRequire(file.replace(/\/[^/]*$/, '')));
    return module.exports;
  };
  var makeRequire = function (dir) {
    return function (request) {
      return loadModule(resolve(dir, String(request)));
    };
  };
  global.require = makeRequire('');

  // --- What the test scripts reach (not WeChat's) ----------------------------------------
  // Other realms keep the shell's functions; their host entropy is their own file.
  var newRealm = function (file, entropyFile) {
    var realm = shell.$262.createRealm();
    realm.global.__rpHost = { entropyFile: entropyFile };
    realm.evalScript(shell.readFile(file));
    return realm.global;
  };
  var failed = false;
  var started = shell.preciseTime();
  global.__mpTest = {
    profile: cfg.profile,
    log: log,
    store: store,
    now: function () {
      return shell.preciseTime() * 1000;
    },
    emit: out,
    /** A realm for the servers (issuer, relying parties): Node's build of the package. */
    serverRealm: function () {
      return newRealm(cfg.serverBundle, cfg.serverEntropyFile).__rp;
    },
    /** Another realm running `file` (the benchmark's JS peers); returns its global object. */
    realm: function (file) {
      return newRealm(file, cfg.peerEntropyFile);
    },
    /** The text of a file profile.mjs's caller wrote (the benchmark's stored logs). */
    readText: function (file) {
      return shell.readFile(file);
    },
    /** Loads one of profile.mjs's bundles (scenarios, peers) into this realm. */
    loadScript: function (file) {
      shell.$262.evalScript(shell.readFile(file));
    },
    /** Reports `name`'s outcome; the process ends once `done()` is called or a scenario fails. */
    run: function (name, f) {
      var t = shell.preciseTime();
      return Promise.resolve()
        .then(f)
        .then(
          function (value) {
            out({ scenario: name, ok: true, ms: (shell.preciseTime() - t) * 1000, value: value === undefined ? null : value });
          },
          function (e) {
            failed = true;
            out({ scenario: name, ok: false, ms: (shell.preciseTime() - t) * 1000, error: String(e && e.stack ? e + '\n' + e.stack : e) });
          },
        );
    },
    done: function () {
      out({ done: true, failed: failed, ms: (shell.preciseTime() - started) * 1000, log: log, entropyUsed: entropyUsed });
      // The shell's quit() always exits 0; an exception thrown from a timer
      // ends it with status 3.
      if (failed) {
        shellSetTimeout(function () {
          throw new Error('a scenario failed');
        }, 0);
      } else shell.quit();
    },
  };
})(globalThis);
