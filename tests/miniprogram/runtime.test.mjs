// The package in the emulated WeChat runtime (see emulator.mjs): the shared
// smoke suite under the iOS and Android profiles, module paths, entropy, and
// the emulator's own behaviour (so its strictness is tested, not assumed).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, copyFileSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import {
  MISSING_GLOBALS,
  PRESENT_GLOBALS,
  RANDOM_VALUES_MAX,
  createMiniProgram,
  installSmoke,
  makePackageRoot,
  repoRoot,
} from './emulator.mjs';
import { wat2wasm } from '../js/helpers/wasm.mjs';

const version = JSON.parse(readFileSync(path.join(repoRoot, 'pkg/package.json'), 'utf8')).version;
const DEFAULT_PATH = '/miniprogram_npm/mpshield/mpshield_bg.wasm.br';
const fixture = (name) => fileURLToPath(new URL(`../js/fixtures/${name}`, import.meta.url));

/** A sandbox over a fresh code package; cleaned up after the test. */
function sandbox(t, options = {}) {
  const pkg = makePackageRoot(options.npmDirs);
  t.after(pkg.cleanup);
  const mp = createMiniProgram({ profile: 'android', ...options, root: pkg.root });
  // `outcome(f)`: "ok", the MpShieldError code, or a description of anything else.
  mp.run(`globalThis.outcome = function (f) {
    function code(e) { return e && e.name === 'MpShieldError' && e instanceof Error ? e.code : 'NOT AN MpShieldError: ' + e; }
    try {
      var r = f();
      if (r && typeof r.then === 'function') return r.then(function () { return 'ok'; }, code);
      return 'ok';
    } catch (e) { return code(e); }
  };`);
  return { mp, root: pkg.root };
}

/** Runs an async function body in the sandbox; returns its JSON-able result. */
async function inSandbox(mp, body) {
  const json = await mp.run(
    `(async function () { ${body} })().then(function (v) { return JSON.stringify(v === undefined ? null : v); })`,
  );
  return JSON.parse(json);
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

test('the sandbox exposes only what WeChat exposes', async (t) => {
  const { mp } = sandbox(t);
  for (const name of MISSING_GLOBALS) {
    assert.equal(mp.run(`typeof ${name}`), 'undefined', `${name} must be missing`);
  }
  for (const name of PRESENT_GLOBALS) {
    assert.notEqual(mp.run(`typeof ${name}`), 'undefined', `${name} must be present`);
  }
  assert.equal(mp.run('typeof wx.getRandomValues'), 'function');
  assert.equal(mp.run('typeof WXWebAssembly.instantiate'), 'function');
  assert.throws(() => mp.run('eval("1 + 1")'), (e) => e.name === 'EvalError');
  assert.throws(() => mp.run('new Function("return 1")'), (e) => e.name === 'EvalError');
});

for (const profile of ['ios', 'android']) {
  test(`${profile}: require('mpshield') passes the shared smoke suite`, async (t) => {
    const { mp } = sandbox(t, { profile });
    installSmoke(mp);
    mp.context.assert = assert;
    const checks = await mp.run(
      `__mpshieldSmoke.runSmoke(require('mpshield'), assert, { expectedVersion: ${JSON.stringify(version)}, phoneModule: true })`,
    );
    assert.ok(checks > 300, `ran ${checks} checks`);
    assert.deepEqual(mp.log.instantiate, [DEFAULT_PATH], 'loaded once, from the default path');
    assert.ok(mp.log.getRandomValues.length >= 1, 'seeded from wx.getRandomValues');
    assert.ok(mp.log.getRandomValues.every((n) => n <= RANDOM_VALUES_MAX));
    // Top-ups: the pool fetched at init() is spent by the suite's draws and
    // refilled asynchronously.
    await tick();
    assert.ok(mp.log.getRandomValues.length >= 2, `topped up later (${mp.log.getRandomValues.length} calls)`);
    assert.deepEqual(mp.log.warnings, [], 'no console warnings or errors');
  });
}

test('the default export and the named exports are the same API in CommonJS', async (t) => {
  const { mp } = sandbox(t);
  const r = await inSandbox(
    mp,
    `var m = require('mpshield');
     await m.default.init();
     return [m.default.version === m.version, m.version(), Object.keys(m).sort()];`,
  );
  assert.deepEqual(r, [
    true,
    version,
    [
      'ConsentLog', 'LIMITS', 'MpShieldError', 'SigningKey', 'Verifier', 'Wallet', 'addEntropy', 'checkpoint', 'consent',
      'createOpenStream', 'createSealStream', 'default', 'deriveStorageKey', 'describeError', 'envelope', 'errorCodes',
      'errorMessages', 'hpke', 'idcard', 'init', 'licence', 'mask', 'merkle', 'moduleInfo', 'open', 'randomBytes', 'sdjwt', 'seal',
      'storage', 'version',
    ],
  ]);
});

test('calling anything before init() throws NOT_INITIALIZED', async (t) => {
  const { mp } = sandbox(t);
  const r = await inSandbox(
    mp,
    `var m = require('mpshield');
     return [outcome(function () { return m.version(); }),
             outcome(function () { return m.randomBytes(16); }),
             outcome(function () { return m.idcard.parse('11010519491231002X'); }),
             outcome(function () { return m.errorCodes(); })];`,
  );
  assert.deepEqual(r, ['NOT_INITIALIZED', 'NOT_INITIALIZED', 'NOT_INITIALIZED', 'NOT_INITIALIZED']);
  assert.deepEqual(mp.log.instantiate, [], 'nothing was loaded');
});

test('init({ wasmPath }) loads the module from a sub-package (and the default path then fails)', async (t) => {
  // "Build npm" for a package.json inside subpkg/: no root miniprogram_npm.
  const { mp } = sandbox(t, { npmDirs: ['subpkg'] });
  const sub = '/subpkg/miniprogram_npm/mpshield/mpshield_bg.wasm.br';
  const r = await inSandbox(
    mp,
    `var m = require('/subpkg/miniprogram_npm/mpshield/index.js');
     var defaultPath = await outcome(function () { return m.init(); });
     var message = await m.init().catch(function (e) { return e.message; });
     var notWasm = await outcome(function () { return m.init({ wasmPath: '/subpkg/miniprogram_npm/mpshield/index.js' }); });
     var override = await outcome(function () { return m.init({ wasmPath: ${JSON.stringify(sub)} }); });
     return [defaultPath, message, notWasm, override, m.version()];`,
  );
  assert.equal(r[0], 'WASM_LOAD_FAILED');
  assert.match(r[1], /miniprogram_npm\/mpshield\/mpshield_bg\.wasm\.br/);
  assert.match(r[1], /wasmPath/, 'the message says how to fix it');
  assert.equal(r[2], 'INVALID_INPUT', 'a path that is not .wasm/.wasm.br is refused before loading');
  assert.equal(r[3], 'ok');
  assert.equal(r[4], version);
  assert.deepEqual(mp.log.instantiate, [DEFAULT_PATH, DEFAULT_PATH, sub]);
});

test('init({ wasmPath }) also takes an uncompressed .wasm anywhere in the package', async (t) => {
  const { mp, root } = sandbox(t);
  mkdirSync(path.join(root, 'assets'));
  copyFileSync(path.join(repoRoot, 'pkg/dist/mpshield_compact_bg.wasm'), path.join(root, 'assets/mpshield.wasm'));
  rmSync(path.join(root, 'miniprogram_npm/mpshield/mpshield_bg.wasm.br'));
  const r = await inSandbox(
    mp,
    `var m = require('mpshield');
     await m.init({ wasmPath: '/assets/mpshield.wasm' });
     return m.idcard.parse('440524188001010014').province;`,
  );
  assert.equal(r, '广东省');
  assert.deepEqual(mp.log.instantiate, ['/assets/mpshield.wasm']);
});

test('entropy: wx.getRandomValues by callback or by Promise', async (t) => {
  for (const randomValues of ['callback', 'promise']) {
    const { mp } = sandbox(t, { randomValues });
    const r = await inSandbox(mp, `var m = require('mpshield'); await m.init(); return m.randomBytes(4).length;`);
    assert.equal(r, 4, randomValues);
  }
});

test('entropy: without wx.getRandomValues and without options.entropy, init() is NO_ENTROPY', async (t) => {
  for (const randomValues of ['absent', 'fail', 'zeros', 'short']) {
    const { mp } = sandbox(t, { randomValues });
    const r = await inSandbox(
      mp,
      `var m = require('mpshield');
       var first = await outcome(function () { return m.init(); });
       var message = await m.init().catch(function (e) { return e.message; });
       var before = outcome(function () { return m.randomBytes(1); });
       return [first, message, before];`,
    );
    assert.equal(r[0], 'NO_ENTROPY', randomValues);
    assert.match(r[1], /entropy/, randomValues);
    assert.equal(r[2], 'NOT_INITIALIZED', `${randomValues}: still not usable`);
  }
});

test('entropy: a plug-in (no wx.getRandomValues) initialises with options.entropy', async (t) => {
  const { mp } = sandbox(t, { randomValues: 'absent' });
  const r = await inSandbox(
    mp,
    `var m = require('mpshield');
     var e = new Uint8Array(32);
     for (var i = 0; i < 32; i++) e[i] = (i * 73 + 19) & 255;
     var tooShort = await outcome(function () { return m.init({ entropy: e.subarray(0, 31) }); });
     await m.init({ entropy: e.buffer });
     return [tooShort, m.randomBytes(16).length, m.version()];`,
  );
  assert.deepEqual(r, ['NO_ENTROPY', 16, version]);
  assert.deepEqual(mp.log.getRandomValues, []);
});

test('without WXWebAssembly, init() fails with a clear message', async (t) => {
  const { mp } = sandbox(t, { wxWebAssembly: false });
  const r = await inSandbox(mp, `return require('mpshield').init().catch(function (e) { return [e.code, e.message]; });`);
  assert.equal(r[0], 'WASM_LOAD_FAILED');
  assert.match(r[1], /no WXWebAssembly/);
  assert.match(r[1], /base library 2\.15\.0/);
});

// --- The emulator itself -------------------------------------------------------------

test('emulator: WXWebAssembly.instantiate takes only package paths to .wasm / .wasm.br', async (t) => {
  const { mp, root } = sandbox(t);
  const wasm = readFileSync(path.join(repoRoot, 'pkg/dist/mpshield_bg.wasm'));
  mp.context.wasmBytes = new Uint8Array(wasm);
  const r = await inSandbox(
    mp,
    `var results = [];
     var tries = [wasmBytes, wasmBytes.buffer, 'miniprogram_npm/mpshield/mpshield_bg.wasm.br',
                  '/miniprogram_npm/mpshield/index.js', '/missing.wasm', '/miniprogram_npm/mpshield/mpshield_bg.wasm.br'];
     for (var i = 0; i < tries.length; i++) {
       results.push(await WXWebAssembly.instantiate(tries[i], {}).then(function () { return 'ok'; }, function (e) { return 'rejected'; }));
     }
     return results;`,
  );
  // The last one is a real module but needs the glue's imports: rejected too.
  assert.deepEqual(r, ['rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
  writeFileSync(path.join(root, 'plain.wasm'), wat2wasm(fixture('mvp.wat')));
  assert.equal(await mp.run(`WXWebAssembly.instantiate('/plain.wasm', {}).then(function (r) { return r.instance.exports.add(2, 3); })`), 5);
});

test('emulator: the ios profile rejects exported Globals and post-MVP modules; android accepts them', async (t) => {
  for (const profile of ['ios', 'android']) {
    const { mp, root } = sandbox(t, { profile });
    writeFileSync(path.join(root, 'global.wasm'), wat2wasm(fixture('mvp-exports-global.wat')));
    writeFileSync(path.join(root, 'signext.wasm.br'), zlib.brotliCompressSync(wat2wasm(fixture('post-mvp-sign-ext.wat'))));
    writeFileSync(path.join(root, 'plain.wasm'), wat2wasm(fixture('mvp.wat')));
    const r = await inSandbox(
      mp,
      `var out = [];
       var paths = ['/global.wasm', '/signext.wasm.br', '/plain.wasm'];
       for (var i = 0; i < paths.length; i++) {
         out.push(await WXWebAssembly.instantiate(paths[i], {}).then(function () { return 'ok'; }, function (e) { return e.message; }));
       }
       return out;`,
    );
    if (profile === 'ios') {
      assert.match(r[0], /cannot export Globals: g/);
      assert.match(r[1], /not WebAssembly 1\.0/);
    } else {
      assert.deepEqual(r.slice(0, 2), ['ok', 'ok']);
    }
    assert.equal(r[2], 'ok', `${profile}: a plain module loads`);
  }
});

test('emulator: wx.getRandomValues is asynchronous, capped at 1 MiB, answers an ArrayBuffer', async (t) => {
  const { mp } = sandbox(t);
  const r = await inSandbox(
    mp,
    `var sync = true, got = null;
     wx.getRandomValues({ length: 16, success: function (res) { got = res; } });
     var wasSync = got !== null;
     var big = await wx.getRandomValues({ length: ${RANDOM_VALUES_MAX} });
     var over = await wx.getRandomValues({ length: ${RANDOM_VALUES_MAX + 1} }).then(function () { return 'ok'; }, function (e) { return e.errMsg; });
     await new Promise(function (r) { setTimeout(r, 5); });
     return [wasSync, got.randomValues instanceof ArrayBuffer, got.randomValues.byteLength,
             big.randomValues.byteLength, over];`,
  );
  assert.equal(r[0], false, 'success is not called synchronously');
  assert.equal(r[1], true, 'randomValues is an ArrayBuffer of the sandbox realm');
  assert.equal(r[2], 16);
  assert.equal(r[3], RANDOM_VALUES_MAX);
  assert.match(r[4], /getRandomValues:fail invalid length/);
});

test('emulator: storage enforces 1 MB per key and 10 MB in total, sync and async', async (t) => {
  const { mp } = sandbox(t);
  const r = await inSandbox(
    mp,
    `var out = [];
     function attempt(f) { try { f(); return 'ok'; } catch (e) { return e.message; } }
     var chunk = new Array(1000 * 1000 + 1).join('a');
     out.push(attempt(function () { wx.setStorageSync('k0', chunk); }));
     out.push(attempt(function () { wx.setStorageSync('too-big', chunk + new Array(60 * 1000).join('b')); }));
     out.push(attempt(function () { wx.setStorageSync('bytes', new Uint8Array(4)); }));
     for (var i = 1; i < 10; i++) out.push(attempt(function () { wx.setStorageSync('k' + i, chunk); }));
     out.push(attempt(function () { wx.setStorageSync('k10', chunk); }));
     out.push(await wx.setStorage({ key: 'k10', data: chunk }).then(function () { return 'ok'; }, function (e) { return e.errMsg; }));
     wx.removeStorageSync('k9');
     out.push(await wx.setStorage({ key: 'k10', data: chunk }).then(function () { return 'ok'; }, function (e) { return e.errMsg; }));
     out.push(wx.getStorageSync('k10').length, wx.getStorageSync('nope'));
     out.push(await wx.getStorage({ key: 'nope' }).then(function () { return 'ok'; }, function (e) { return e.errMsg; }));
     var viaCallback = await new Promise(function (resolve) { wx.getStorage({ key: 'k1', success: function (res) { resolve(res.data.length); } }); });
     out.push(viaCallback);
     var stored = { a: [1, 2, { b: 'c' }] };
     wx.setStorageSync('obj', stored);
     var back = wx.getStorageSync('obj');
     out.push(back !== stored && back.a[2].b === 'c' && Object.getPrototypeOf(back) === Object.prototype);
     return out;`,
  );
  assert.equal(r[0], 'ok');
  assert.match(r[1], /max length \(1MB\)/);
  assert.match(r[2], /JSON-serialisable/);
  assert.deepEqual(r.slice(3, 12), Array(9).fill('ok'));
  assert.match(r[12], /max size 10MB/);
  assert.match(r[13], /max size 10MB/);
  assert.equal(r[14], 'ok', 'room again after removeStorageSync');
  assert.equal(r[15], 1000 * 1000);
  assert.equal(r[16], '', 'missing keys read as ""');
  assert.match(r[17], /data not found/);
  assert.equal(r[18], 1000 * 1000);
  assert.equal(r[19], true, 'values are copies made in the sandbox realm');
});
